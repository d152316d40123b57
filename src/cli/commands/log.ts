// `orchard log`: the transcript of a session (what its pane printed, escape sequences stripped),
// kept on the session's host after the session ends, until `orchard gc`.
import { OrchardError } from '../../shared/errors.ts';
import { followArgv, readTranscript, selectLines, transcriptHost } from '../../core/sessions/transcript.ts';
import { flag, need, str, UsageError, type Command } from '../command.ts';
import { followLines } from '../follow.ts';
import { visible } from '../format.ts';

export const logCommands: Command[] = [
  {
    name: 'log',
    usage: 'log <id> [--follow] [--grep <re>] [--tail N]',
    summary: "a session's transcript (its output without escape sequences); --follow streams it",
    options: { follow: { type: 'boolean', short: 'f' }, grep: { type: 'string' }, tail: { type: 'string' } },
    async run({ args, values, engine, io }) {
      need(args, 1, this.usage);
      const tailText = str(values, 'tail');
      if (tailText !== undefined && !/^\d{1,9}$/.test(tailText))
        throw new UsageError('--tail takes a number of lines');
      const tail = tailText === undefined ? undefined : Number(tailText);
      const grepText = str(values, 'grep');
      let grep: RegExp | undefined;
      try {
        grep = grepText === undefined ? undefined : new RegExp(grepText);
      } catch (e) {
        throw new UsageError(`--grep: ${(e as Error).message}`);
      }
      const e = engine();
      const ctx = await transcriptHost(e, args[0]!);
      if (!flag(values, 'follow')) {
        const text = await readTranscript(ctx, args[0]!);
        if (text === null) throw new OrchardError('not-found', `session ${args[0]} has no transcript`);
        const lines = selectLines(text, {
          ...(grep ? { grep } : {}),
          ...(tail !== undefined ? { tail } : {}),
        });
        io.out(lines.map((l) => `${visible(l)}\n`).join(''));
        return 0;
      }
      // Follow: one streaming command on the host (tail -F), here or over SSH; Ctrl-C ends it.
      return followLines(ctx.host, await followArgv(ctx, args[0]!, tail ?? 10), (lines) => {
        const shown = grep ? lines.filter((l) => grep.test(l)) : lines;
        if (shown.length) io.out(shown.map((l) => `${visible(l)}\n`).join(''));
      });
    },
  },
];
