import { afterEach, describe, expect, test, vi } from 'vitest';
import { FLOW } from '../../src/shared/api.ts';
import { DataBatcher } from '../../src/core/terminal/batcher.ts';
import { FlowController } from '../../src/core/terminal/flow.ts';
import { AttachedTerminal } from '../../src/core/terminal/terminal.ts';
import { FakePty } from '../helpers/fake-pty.ts';

describe('FlowController', () => {
  test('pauses above the high watermark and resumes only below the low one', () => {
    const events: string[] = [];
    const f = new FlowController(
      () => events.push('pause'),
      () => events.push('resume'),
    );
    f.sent(FLOW.highWatermark);
    expect(events).toEqual([]); // at the mark, not above it
    f.sent(1);
    expect(events).toEqual(['pause']);
    f.sent(50_000); // more output already in flight does not pause twice
    expect(events).toEqual(['pause']);
    f.ack(FLOW.highWatermark + 50_001 - FLOW.lowWatermark); // leaves exactly lowWatermark unacked
    expect(f.isPaused).toBe(true);
    f.ack(1);
    expect(events).toEqual(['pause', 'resume']);
    expect(f.unacknowledged).toBe(FLOW.lowWatermark - 1);
  });

  test('over-acking and junk acks cannot drive the count negative or resume early', () => {
    const f = new FlowController(
      () => {},
      () => {},
      { highWatermark: 10, lowWatermark: 5 },
    );
    f.ack(1_000);
    expect(f.unacknowledged).toBe(0);
    f.sent(11);
    expect(f.isPaused).toBe(true);
    for (const junk of [NaN, -5, 0, Infinity]) f.ack(junk);
    expect(f.unacknowledged).toBe(11);
    expect(f.isPaused).toBe(true);
  });
});

describe('DataBatcher', () => {
  afterEach(() => vi.useRealTimers());

  test('a chunk after a quiet spell goes at once; what follows within the window is one message', () => {
    vi.useFakeTimers();
    const out: string[] = [];
    const b = new DataBatcher((d) => out.push(d), 5);
    b.push('echo');
    expect(out).toEqual(['echo']); // a keystroke's echo: no added latency
    b.push('a');
    b.push('');
    b.push('b');
    b.push('c');
    expect(out).toEqual(['echo']);
    vi.advanceTimersByTime(5);
    expect(out).toEqual(['echo', 'abc']);
    b.push('d'); // still inside the window that delivering 'abc' opened
    vi.advanceTimersByTime(5);
    expect(out).toEqual(['echo', 'abc', 'd']);
    vi.advanceTimersByTime(5); // a quiet window ends the batching
    b.push('e');
    expect(out).toEqual(['echo', 'abc', 'd', 'e']);
    b.push('f');
    b.flush();
    expect(out).toEqual(['echo', 'abc', 'd', 'e', 'f']);
    b.push('lost');
    b.dispose();
    vi.advanceTimersByTime(50);
    expect(out).toEqual(['echo', 'abc', 'd', 'e', 'f']);
  });

  test('a flood costs one message per window', () => {
    vi.useFakeTimers();
    const out: string[] = [];
    const b = new DataBatcher((d) => out.push(d), 5);
    for (let ms = 0; ms < 100; ms++) {
      for (let i = 0; i < 10; i++) b.push('y\n');
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(10);
    expect(out.join('')).toBe('y\n'.repeat(1000));
    expect(out.length).toBeLessThanOrEqual(100 / 5 + 2);
  });
});

describe('AttachedTerminal', () => {
  afterEach(() => vi.useRealTimers());

  test('batches output, pauses the pty when acks stop and resumes when they come', () => {
    vi.useFakeTimers();
    const pty = new FakePty();
    const got: string[] = [];
    const t = new AttachedTerminal(pty, { data: (d) => got.push(d), exit: () => {} });
    const chunk = 'y\n'.repeat(5_000); // 10k chars
    for (let i = 0; i < 10; i++) pty.data.fire(chunk);
    vi.advanceTimersByTime(FLOW.batchMs);
    expect(got).toHaveLength(2); // the first chunk at once, the nine that followed as one message
    expect(pty.paused).toBe(false); // exactly 100k: not above
    pty.data.fire(chunk);
    vi.advanceTimersByTime(FLOW.batchMs);
    expect(pty.paused).toBe(true);
    expect(t.unacknowledged).toBe(110_000);
    t.ack(100_000);
    expect(pty.paused).toBe(true); // 10k left: not below 5k yet
    t.ack(6_000);
    expect(pty.paused).toBe(false);
    expect([pty.pauses, pty.resumes]).toEqual([1, 1]);
    t.input('\x03');
    t.resize(80, 24);
    expect(pty.written).toEqual(['\x03']);
    expect(pty.sizes).toEqual([[80, 24]]);
    t.dispose();
    expect(pty.disposed).toBe(true);
  });

  test('delivers pending output before the exit, once', () => {
    vi.useFakeTimers();
    const pty = new FakePty();
    const log: string[] = [];
    new AttachedTerminal(pty, { data: (d) => log.push(`data:${d}`), exit: (c) => log.push(`exit:${c}`) });
    pty.data.fire('[exited]');
    pty.exit.fire({ code: 0 });
    pty.exit.fire({ code: 0 });
    expect(log).toEqual(['data:[exited]', 'exit:0']);
  });
});
