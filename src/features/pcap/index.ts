// vSensor Setup > PCAP (manual ch. 7 "Enabling PCAP on a vSensor"): the rolling capture buffer.
import { z } from 'zod';
import type { Checked, Ctx, Op } from '../../core/types.js';
import { outcomeOf } from '../../core/outcome.js';
import { check, report } from '../../commands/output.js';
import type { Command } from '../../commands/types.js';
import type { Menu } from '../../menu/types.js';
import { pcapGb } from '../../rules/pcap.js';
import { EXIT, run, script } from '../../system/runner.js';
import { readSettings } from '../../system/settings.js';

const setPcap = script('set_pcap.sh', z.lazy(() => z.object({ changed: z.boolean().optional(), size_gb: z.number(), max_gb: z.number() }).loose()));

/** The buffer size in GB (0: capture disabled). */
export const pcapSize = async (ctx: Ctx): Promise<number> => (await readSettings(ctx.paths.settingsIni)).pcap.size_gb;

export function describePcap(gb: number): string {
  return gb > 0 ? `Packet capture is enabled: ${gb} GB of disk for captured packets (a rolling buffer: the oldest are overwritten).` : 'Packet capture is disabled.';
}

export const pcapShow: Op<'show'> = {
  id: 'pcap.show',
  async show(ctx) {
    return { kind: 'text', text: describePcap(await pcapSize(ctx)) };
  },
};

export const pcapSet: Op<'read' | 'check' | 'apply'> = {
  id: 'pcap.set',
  async read(ctx) {
    return { gb: String(await pcapSize(ctx)) };
  },
  async check(ctx, v): Promise<Checked> {
    // whether it fits the disk: only the script can say (free space, the current buffer, a reserve)
    const r = await run(ctx.runner, setPcap, ['--check', v.gb ?? '']);
    if (!r.ok) return { errors: { gb: r.error } };
    // 0 is not a size but "off": the review says so, and starts on No
    return Number(v.gb) === 0 ? { errors: {}, warnings: ['0 GB turns packet capture off: no traffic is captured until a size is set again'] } : { errors: {} };
  },
  async apply(ctx, v, io) {
    const gb = Number(v.gb);
    return outcomeOf(await run(ctx.runner, setPcap, [v.gb ?? ''], { onLine: io.line, survive: true }), (x) =>
      x.changed === false ? `Nothing changed: the PCAP buffer is already ${gb > 0 ? `${gb} GB` : 'off'}` : gb > 0 ? `PCAP buffer set to ${gb} GB` : 'Packet capture disabled',
    );
  },
};

export const pcapMenu: Menu = {
  title: 'PCAP',
  status: pcapShow,
  items: [
    {
      key: '1',
      label: 'Change the PCAP buffer size',
      help: 'Size in GB; 0 disables packet capture. It must fit the disk: free space plus the current buffer, less a reserve.',
      flow: {
        kind: 'form',
        op: pcapSet,
        fields: [
          {
            name: 'gb',
            label: 'PCAP buffer size in GB (0 disables capture)',
            short: 'PCAP buffer (GB)',
            rule: pcapGb,
            help: 'Size of the rolling capture buffer in whole GB; 0 disables capture. It must fit on the disk with a reserve left; a size too big is refused with the largest that fits.',
          },
        ],
        check: true,
        question: 'Set the PCAP buffer to {gb} GB?',
        progress: 'Configuring the PCAP buffer and restarting capture',
        done: 'Change made.',
      },
    },
  ],
};

export const commands: Command[] = [
  {
    path: ['pcap', 'show'],
    summary: 'whether packet capture is on, and its size',
    covers: [pcapShow],
    async run(ctx, _in, out) {
      const gb = await pcapSize(ctx);
      out.print({ enabled: gb > 0, size_gb: gb }, describePcap(gb));
      return EXIT.ok;
    },
  },
  {
    path: ['pcap', 'set'],
    args: 'GB',
    nargs: [1, 1],
    summary: 'the PCAP buffer size in GB (0 disables capture)',
    covers: [pcapSet],
    async run(ctx, { args }, out) {
      return report(out, await pcapSet.apply(ctx, { gb: check(pcapGb, args[0] ?? '', 'GB') }, out.progress));
    },
  },
];
