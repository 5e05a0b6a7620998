// The PCAP area of the settings document (issue 15): the rolling buffer's size, applied by
// set_pcap.sh as the menu does; whether it fits this disk only the script can say (check).
import { z } from 'zod';
import { pcapGb } from '../../rules/pcap.js';
import { run, script } from '../../system/runner.js';
import { area } from '../../settings/area.js';
import { pcapSet, pcapSize } from './index.js';

/** `{size_gb: N}`: whole GB, 0 = capture off (manual ch. 7). */
export const PcapSettings = z.lazy(() => z.strictObject({
  size_gb: z
    .number()
    .int('a whole number of GB')
    .min(0, '0 (capture off) or more')
    .refine((n) => pcapGb(String(n)).ok, 'a whole number of GB, at most 6 digits'),
}));

const fits = script('set_pcap.sh', z.lazy(() => z.object({ max_gb: z.number() }).loose()));

export const pcapSettings = area({
  id: 'pcap',
  title: 'PCAP buffer',
  profiles: ['vsensor'],
  schema: PcapSettings,
  async read(ctx) {
    return { size_gb: await pcapSize(ctx) };
  },
  /** set_pcap.sh --check: does it fit the disk (free space plus the current buffer, less a reserve). */
  async check(ctx, want) {
    const r = await run(ctx.runner, fits, ['--check', String(want.size_gb)]);
    const errors: Record<string, string> = {};
    if (!r.ok) errors.size_gb = r.error;
    return errors;
  },
  async apply(ctx, want, _have, io) {
    return pcapSet.apply(ctx, { gb: String(want.size_gb) }, io);
  },
});
