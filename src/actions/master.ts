// vSensor Setup > Master (manual ch. 7 "Communication Mode Configuration"): Push Token,
// Pull and legacy Push. Secrets go to the scripts on stdin and are never read back.
import { readSettings, type Settings } from '../system/settings.js';
import { noErrors, outcomeOf, type Ctx, type Operation } from './types.js';

export type MasterMode = 'push-token' | 'pull' | 'push' | '';

export interface MasterState {
  mode: MasterMode;
  host: string;
  proxy: string;
  tokenLabel: string;
}

export function masterState(s: Settings): MasterState {
  const m = (s as Record<string, unknown>).master as Record<string, unknown> | undefined;
  const str = (k: string) => (typeof m?.[k] === 'string' ? (m[k] as string) : '');
  const mode = str('mode');
  return {
    mode: mode === 'push-token' || mode === 'pull' || mode === 'push' ? mode : '',
    host: str('host'),
    proxy: str('proxy'),
    tokenLabel: str('token_label'),
  };
}

export function describeMaster(m: MasterState): string {
  switch (m.mode) {
    case 'push-token':
      return `Current mode: Push Token\nPush Token: ${m.tokenLabel}:****\nDCIP master: https://${m.host}${m.proxy ? `\nProxy: ${m.proxy}` : ''}`;
    case 'pull':
      return 'Current mode: Pull (the master connects to this vSensor with the shared HMAC token)';
    case 'push':
      return `Current mode: Push (legacy), master ${m.host}\nPush Token mode is recommended instead.`;
    default:
      return 'No master connection is set: this vSensor sends its data nowhere yet.';
  }
}

const state = async (ctx: Ctx) => masterState(await readSettings(ctx.paths.settingsIni));

export const masterShow: Operation = {
  async show(ctx) {
    return { kind: 'text', title: 'Master connection', text: describeMaster(await state(ctx)) };
  },
};

export const masterTest = (ctx: Ctx, args: string[], token: string | undefined, line: (t: string) => void, signal?: AbortSignal) =>
  ctx.runner.script('test_master.sh', args, { ...(token !== undefined ? { stdin: token + '\n' } : {}), onLine: line, ...(signal ? { signal } : {}) });

export const masterPushToken: Operation = {
  async read(ctx) {
    const m = await state(ctx);
    return {
      token: m.mode === 'push-token' && m.tokenLabel ? `${m.tokenLabel}:****` : '',
      host: m.mode === 'push-token' || m.mode === 'push' ? m.host : '',
      proxy: m.mode === 'push-token' ? m.proxy : '',
    };
  },
  async test(ctx, v, io) {
    const args = ['--timeout', '10', v.host ?? '', ...(v.proxy ? [v.proxy] : [])];
    const r = await masterTest(ctx, args, v.token ?? '', io.line, io.signal);
    const msg = typeof r.result.message === 'string' ? r.result.message : undefined;
    const o = outcomeOf(r, msg ?? `Successful connection to https://${v.host}`);
    return r.exitCode === 5 && msg ? { ...o, summary: msg, details: [] } : { ...o, details: [] };
  },
  async apply(ctx, v, io) {
    const r = await ctx.runner.script('set_pushtoken.sh', [v.host ?? '', ...(v.proxy ? [v.proxy] : [])], {
      stdin: (v.token ?? '') + '\n',
      onLine: io.line,
      survive: true,
    });
    return outcomeOf(r, `Push Token: ${(v.token ?? '').split(':')[0]}:****, DCIP master: https://${v.host}`);
  },
};

export const masterPull: Operation = {
  async read(ctx) {
    return { token: (await state(ctx)).mode === 'pull' ? '****' : '' };
  },
  async apply(ctx, v, io) {
    const r = await ctx.runner.script('set_dcip_hmac.sh', [], { stdin: (v.token ?? '') + '\n', onLine: io.line, survive: true });
    return outcomeOf(r, 'Pull mode set: enter the same HMAC token on the master (System Config > Probes/vSensors > Add a pull probe)');
  },
};

export const masterPush: Operation = {
  async read(ctx) {
    const m = await state(ctx);
    return { host: m.mode === 'push' || m.mode === 'push-token' ? m.host : '' };
  },
  async check(ctx, v) {
    const r = await ctx.runner.script('set_push.sh', ['--check', v.host ?? '']);
    return r.exitCode === 0 ? noErrors : { errors: { host: String(r.result.error ?? 'cannot check the host') } };
  },
  async apply(ctx, v, io) {
    const r = await ctx.runner.script('set_push.sh', [v.host ?? ''], { onLine: io.line, survive: true });
    return outcomeOf(r, `Push (legacy) mode set: master ${v.host}`);
  },
};
