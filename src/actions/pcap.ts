// vSensor Setup > PCAP (manual ch. 7 "Enabling PCAP on a vSensor").
import { readSettings, type Settings } from '../system/settings.js';
import { noErrors, outcomeOf, type Operation } from './types.js';

export function pcapSize(s: Settings): number {
  const v = ((s as Record<string, unknown>).pcap as Record<string, unknown> | undefined)?.size_gb;
  const n = Number(v ?? 0);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

export function describePcap(gb: number): string {
  return gb > 0 ? `Packet capture is enabled: ${gb} GB of disk for captured packets (a rolling buffer: the oldest are overwritten).` : 'Packet capture is disabled.';
}

export const pcapShow: Operation = {
  async show(ctx) {
    return { kind: 'text', text: describePcap(pcapSize(await readSettings(ctx.paths.settingsIni))) };
  },
};

export const pcapSet: Operation = {
  async read(ctx) {
    return { gb: String(pcapSize(await readSettings(ctx.paths.settingsIni))) };
  },
  async check(ctx, v) {
    const r = await ctx.runner.script('set_pcap.sh', ['--check', v.gb ?? '']);
    if (r.exitCode !== 0) return { errors: { gb: String(r.result.error ?? 'cannot check the disk') } };
    // 0 is not a size but "off": the review says so, and starts on No
    return Number(v.gb) === 0 ? { errors: {}, warnings: ['0 GB turns packet capture off: no traffic is captured until a size is set again'] } : noErrors;
  },
  async apply(ctx, v, io) {
    const r = await ctx.runner.script('set_pcap.sh', [v.gb ?? ''], { onLine: io.line, survive: true });
    const gb = Number(v.gb);
    return outcomeOf(r, gb > 0 ? `PCAP buffer set to ${gb} GB` : 'Packet capture disabled');
  },
};
