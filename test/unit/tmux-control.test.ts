// The control-mode parser and the command-language quoting, on output as tmux 3.3a writes it.
import { describe, expect, test } from 'vitest';
import { ControlParser, controlLine, controlQuote } from '../../src/core/tmux/control.ts';

describe('ControlParser', () => {
  test('blocks, notifications and stray text, in any chunking', () => {
    const out = [
      '%begin 1796173975 264 0',
      '%end 1796173975 264 0',
      '%session-changed $0 a',
      '%begin 1796173975 269 1',
      'one',
      '',
      'two',
      '%end 1796173975 269 1',
      '%begin 1796174001 270 1',
      'parse error: unknown command: nosuchcommand',
      '%error 1796174001 270 1',
      '%sessions-changed',
      'no server running on /tmp/tmux-0/x',
      '%exit server exited unexpectedly',
      '',
    ].join('\n');
    const whole = new ControlParser().feed(out);
    // Byte by byte gives the same events: lines split across reads stay whole.
    const p = new ControlParser();
    const pieces = [...out].flatMap((c) => p.feed(c));
    expect(pieces).toEqual(whole);
    expect(whole).toEqual([
      { kind: 'block', ok: true, lines: [] },
      { kind: 'notification', name: 'session-changed', args: '$0 a' },
      { kind: 'block', ok: true, lines: ['one', '', 'two'] },
      { kind: 'block', ok: false, lines: ['parse error: unknown command: nosuchcommand'] },
      { kind: 'notification', name: 'sessions-changed', args: '' },
      { kind: 'text', line: 'no server running on /tmp/tmux-0/x' },
      { kind: 'notification', name: 'exit', args: 'server exited unexpectedly' },
    ]);
  });

  test('a content line that looks like a guard or a notification stays content', () => {
    const p = new ControlParser();
    const ev = p.feed(
      ['%begin 1 7 1', '%end 1 6 1', '%exit', '%begin 2 2 2', '%error 1 7 0', '%end 1 7 1', ''].join('\r\n'),
    );
    expect(ev).toEqual([
      { kind: 'block', ok: true, lines: ['%end 1 6 1', '%exit', '%begin 2 2 2', '%error 1 7 0'] },
    ]);
  });

  test('an unfinished line waits for its newline', () => {
    const p = new ControlParser();
    expect(p.feed('%sessions-ch')).toEqual([]);
    expect(p.feed('anged\n%window-add @3')).toEqual([
      { kind: 'notification', name: 'sessions-changed', args: '' },
    ]);
    expect(p.feed('\n')).toEqual([{ kind: 'notification', name: 'window-add', args: '@3' }]);
  });
});

describe('controlQuote / controlLine', () => {
  test('plain words stay bare; anything else is double-quoted with escapes', () => {
    expect(controlQuote('list-panes')).toBe('list-panes');
    expect(controlQuote('%12')).toBe('%12');
    expect(controlQuote('=my-session:')).toBe('=my-session:');
    expect(controlQuote('@orchard_state')).toBe('@orchard_state');
    expect(controlQuote('')).toBe('""');
    expect(controlQuote('a b')).toBe('"a b"');
    expect(controlQuote('~/x')).toBe('"~/x"');
    expect(controlQuote('say "hi" $HOME \\')).toBe('"say \\"hi\\" \\$HOME \\\\"');
    expect(controlQuote('a;b')).toBe('"a;b"');
    expect(controlQuote('x;')).toBe('"x;"');
    expect(controlQuote('{')).toBe('"{"');
    expect(controlQuote('line1\nline2\r\t')).toBe('"line1\\nline2\\r\\t"');
    expect(controlQuote('\x1b[2J\x7f')).toBe('"\\033[2J\\177"');
    expect(controlQuote('#{pane_id} é')).toBe('"#{pane_id} é"');
  });

  test('a line never contains a newline and is never empty', () => {
    const line = controlLine([
      ['set-option', '-p', '-t', '%1', '@orchard_detail', 'a\nb'],
      ['display-message', '-p', 'x'],
    ]);
    expect(line).toBe('set-option -p -t %1 @orchard_detail "a\\nb" ; display-message -p x');
    expect(line).not.toContain('\n');
    expect(() => controlLine([])).toThrow();
    expect(() => controlLine([[]])).toThrow();
  });
});
