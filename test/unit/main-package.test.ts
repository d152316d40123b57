// Packaging pieces that can be checked without the Electron binary: the icons are real PNGs of the
// right sizes, the builder config unpacks only node-pty's native package, and the afterPack hook
// makes spawn-helper executable.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM script without types (run by electron-builder, not compiled)
import afterPack, { makeSpawnHelpersExecutable } from '../../scripts/after-pack.mjs';

const ROOT = join(import.meta.dirname, '../..');

function pngSize(file: string): { width: number; height: number } {
  const b = readFileSync(file);
  expect(b.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(b.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

describe('icons', () => {
  it('app icon is a 512x512 PNG; tray icons are 16px with 32px @2x, one per fleet state', () => {
    expect(pngSize(join(ROOT, 'resources/icon.png'))).toEqual({ width: 512, height: 512 });
    for (const state of ['idle', 'working', 'waiting']) {
      expect(pngSize(join(ROOT, `resources/tray/${state}.png`))).toEqual({ width: 16, height: 16 });
      expect(pngSize(join(ROOT, `resources/tray/${state}@2x.png`))).toEqual({ width: 32, height: 32 });
    }
    // The three states must look different.
    const bytes = ['idle', 'working', 'waiting'].map((s) =>
      readFileSync(join(ROOT, `resources/tray/${s}.png`)).toString('hex'),
    );
    expect(new Set(bytes).size).toBe(3);
  });
});

describe('electron-builder config', () => {
  const yml = readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8');

  it('targets AppImage, deb, dmg and nsis', () => {
    expect(yml).toMatch(/linux:\n(?:.*\n)*?\s+target: \[AppImage, deb\]/);
    expect(yml).toMatch(/mac:\n(?:.*\n)*?\s+target: \[dmg\]/);
    expect(yml).toMatch(/win:\n(?:.*\n)*?\s+target: \[nsis\]/);
  });

  it("unpacks only node-pty's platform package (which holds this platform's pty.node) and bare .node files", () => {
    const unpack = /asarUnpack:\n((?:\s+- .*\n)+)/
      .exec(yml)?.[1]
      ?.trim()
      .split('\n')
      .map((l) => l.trim());
    expect(unpack).toEqual(['- node_modules/@lydell/node-pty-*/**', "- '**/*.node'"]);
    expect(yml).toMatch(/asar:\n\s+smartUnpack: false/);
    // the pattern's folder is where @lydell/node-pty loads its binary from
    const pkg = `@lydell/node-pty-${process.platform}-${process.arch}`;
    expect(readFileSync(join(ROOT, 'node_modules/@lydell/node-pty/requireBinary.js'), 'utf8')).toContain(
      '"@lydell/node-pty-" + process.platform + "-" + process.arch',
    );
    expect(statSync(join(ROOT, 'node_modules', pkg, 'pty.node')).isFile()).toBe(true);
    expect(yml).toMatch(/afterPack: \.\/scripts\/after-pack\.mjs/);
  });
});

describe('afterPack hook', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('makes spawn-helper in app.asar.unpacked executable, and nothing else', async () => {
    dir = mkdtempSync(join(tmpdir(), 'orchard-pack-'));
    const native = join(
      dir,
      'Orchard.app/Contents/Resources/app.asar.unpacked/node_modules/@lydell/node-pty-darwin-arm64',
    );
    mkdirSync(native, { recursive: true });
    const helper = join(native, 'spawn-helper');
    const other = join(native, 'pty.node');
    const outside = join(dir, 'spawn-helper');
    for (const f of [helper, other, outside]) {
      writeFileSync(f, 'x');
      chmodSync(f, 0o644);
    }
    expect(await makeSpawnHelpersExecutable(dir)).toEqual([helper]);
    expect(statSync(helper).mode & 0o777).toBe(0o755);
    expect(statSync(other).mode & 0o777).toBe(0o644);
    expect(statSync(outside).mode & 0o777).toBe(0o644);
    chmodSync(helper, 0o600);
    await afterPack({ appOutDir: dir });
    expect(statSync(helper).mode & 0o777).toBe(0o755);
  });
});
