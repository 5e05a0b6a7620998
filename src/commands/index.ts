// The non-interactive commands: `confconsole <area> <verb>`, each doing what its menu does,
// through the same action modules and scripts, with --json and the scripts' exit codes.
import { operations } from '../actions/index.js';
import { describeCallhome, statusText, type CallhomeState } from '../actions/callhome.js';
import { describeMaster, masterState } from '../actions/master.js';
import { currentNtpServers } from '../actions/ntp.js';
import { describePcap, pcapSize } from '../actions/pcap.js';
import { outcomeOf, type Ctx } from '../actions/types.js';
import { EXIT } from '../system/runner.js';
import { readSettings } from '../system/settings.js';
import { ntpServers } from '../validators.js';
import { check, codeOf, need, out, progressOf, readSecret, report, UsageError, type Global } from './common.js';
import { checkNetworkArgs, networkTable } from './network.js';

export async function command(g: Global, ctx: Ctx, words: string[]): Promise<number> {
  const [area, verb, ...rest] = words;
  const progress = progressOf(g);
  const key = `${area ?? ''} ${verb ?? ''}`;
  switch (key) {
    case 'ntp show': {
      if (rest.length) throw new UsageError('ntp show takes no arguments');
      const servers = await currentNtpServers(ctx.paths);
      out(g, { servers }, servers.length ? servers.join('\n') : '(no NTP servers set)');
      return EXIT.ok;
    }
    case 'ntp set':
    case 'ntp test': {
      const r = ntpServers(rest.join(' '));
      if (!r.ok) throw new UsageError(r.message);
      const values = { servers: r.value.join(' ') };
      const op = operations['ntp.set']!;
      const o = verb === 'set' ? await op.apply!(ctx, values, progress) : await op.test!(ctx, values, progress);
      return report(g, o, codeOf(o));
    }
    case 'services restart': {
      if (rest.length) throw new UsageError('services restart takes no arguments');
      const o = await operations['services.restart']!.apply!(ctx, {}, progress);
      return report(g, o, codeOf(o));
    }
    case 'master show': {
      if (rest.length) throw new UsageError('master show takes no arguments');
      const m = masterState(await readSettings(ctx.paths.settingsIni));
      const token = m.mode === 'push-token' ? `${m.tokenLabel}:****` : m.mode === 'pull' ? '****' : '';
      out(g, { mode: m.mode || null, host: m.host || null, proxy: m.proxy || null, token: token || null }, describeMaster(m));
      return EXIT.ok;
    }
    case 'master set': {
      const [mode, ...more] = rest;
      if (more.length) throw new UsageError(`unexpected: ${more.join(' ')}`);
      if (mode === 'push-token') {
        const host = need(g.host, '--host', 'master set push-token');
        const values = { host: check('master-host', host, '--host'), proxy: check('proxy', g.proxy ?? '', '--proxy'), token: '' };
        values.token = check('push-token', await readSecret('push token (label:secret)'), 'push token');
        return report(g, await operations['master.push-token']!.apply!(ctx, values, progress));
      }
      if (g.proxy !== undefined) throw new UsageError('--proxy goes with master set push-token');
      if (mode === 'pull') {
        if (g.host !== undefined) throw new UsageError('--host does not go with pull mode (the master connects to the vSensor)');
        const token = check('hmac', await readSecret('pull-mode HMAC token'), 'HMAC token');
        return report(g, await operations['master.pull']!.apply!(ctx, { token }, progress));
      }
      if (mode === 'push') {
        const host = check('master-host', need(g.host, '--host', 'master set push'), '--host');
        return report(g, await operations['master.push']!.apply!(ctx, { host }, progress));
      }
      throw new UsageError('master set takes push-token, pull or push');
    }
    case 'master test': {
      if (rest.length) throw new UsageError('master test takes no arguments (--host, --proxy)');
      const m = masterState(await readSettings(ctx.paths.settingsIni));
      if (!(g.host ?? m.host)) throw new UsageError('no master host is set (Pull mode, or none): give --host');
      const host = check('master-host', g.host ?? m.host, '--host');
      const proxy = check('proxy', g.proxy ?? (g.host === undefined ? m.proxy : ''), '--proxy');
      const stored = m.mode === 'push-token' && g.host === undefined;
      const r = await ctx.runner.script('test_master.sh', [...(stored ? ['--stored'] : []), host, ...(proxy ? [proxy] : [])], { onLine: progress.line });
      const o = outcomeOf(r, typeof r.result.message === 'string' ? r.result.message : 'connected');
      return report(g, r.exitCode === EXIT.testFailed ? { ...o, summary: String(r.result.message ?? o.summary) } : o, codeOf(o));
    }
    case 'ossensor-hmac set': {
      if (rest.length) throw new UsageError('ossensor-hmac set takes no arguments: the key is read from standard input');
      const key = check('hmac', await readSecret('osSensor HMAC key'), 'osSensor HMAC key');
      return report(g, await operations['ossensor.set']!.apply!(ctx, { key }, progress));
    }
    case 'network show': {
      if (rest.length) throw new UsageError('network show takes no arguments');
      const r = await ctx.runner.script('show_network.sh', []);
      if (r.exitCode !== 0) return report(g, outcomeOf(r, ''));
      out(g, r.result, networkTable(r.result));
      return EXIT.ok;
    }
    case 'network set': {
      const [iface, ...more] = rest;
      if (!iface || more.length) throw new UsageError('usage: confconsole network set IFACE --dhcp | --static --address A --netmask M [--gateway G] [--dns "D1 D2"] [--domain D] | --capture [--confirm-timeout S]');
      checkNetworkArgs(g.net);
      const r = await ctx.runner.script('set_network.sh', [iface, ...g.net], { onLine: progress.line, survive: true });
      const p = r.result.pending as { timeout?: number } | undefined;
      const addr = typeof r.result.address === 'string' && r.result.address ? r.result.address.split('/')[0] : 'the appliance';
      return report(g, outcomeOf(r, `Applied. Reconnect to ${addr} and run "confconsole network confirm" within ${p?.timeout ?? '?'} s, or the previous settings return by themselves.`));
    }
    case 'network confirm':
    case 'network rollback': {
      if (rest.length) throw new UsageError(`network ${verb} takes no arguments`);
      const r = await ctx.runner.script(verb === 'confirm' ? 'net_confirm.sh' : 'net_rollback.sh', verb === 'confirm' ? [] : ['--reason', 'rolled back by the operator'], { onLine: progress.line, survive: true });
      return report(g, outcomeOf(r, verb === 'confirm' ? 'The network settings are confirmed.' : r.result.rolled_back ? 'The previous network settings are back.' : 'No network change was waiting: nothing to roll back.'));
    }
    case 'callhome show':
    case 'callhome status':
    case 'callhome enable':
    case 'callhome disable':
    case 'callhome restart':
    case 'callhome clear-cache':
    case 'callhome pubkey': {
      if (rest.length) throw new UsageError(`callhome ${verb} takes no arguments`);
      const r = await ctx.runner.script('callhome.sh', [verb ?? ''], { onLine: progress.line, ...(verb === 'status' || verb === 'show' || verb === 'pubkey' ? {} : { survive: true }) });
      if (verb === 'show' && r.exitCode === 0) {
        out(g, r.result, describeCallhome(r.result as unknown as CallhomeState));
        return EXIT.ok;
      }
      if (verb === 'pubkey' && r.exitCode === 0) {
        out(g, r.result, String(r.result.pubkey));
        return EXIT.ok;
      }
      if (verb === 'status' && Array.isArray(r.result.rows)) {
        const enabled = (r.result.rows as { check: string; ok: boolean }[]).find((x) => /Config Enabled/.test(x.check))?.ok === true;
        out(g, r.result, statusText(enabled, r.result.rows as Parameters<typeof statusText>[1]));
        return r.exitCode;
      }
      const said: Record<string, string> = {
        enable: r.result.restarted ? 'Call-Home was already enabled: the connection was restarted.' : 'Call-Home is enabled.',
        disable: 'Call-Home is disabled.',
        restart: 'The Call-Home connection was restarted.',
        'clear-cache': r.result.cleared ? 'The Call-Home cache (known hosts) is cleared.' : 'The Call-Home cache was already empty.',
      };
      return report(g, outcomeOf(r, said[verb ?? ''] ?? 'Done.'));
    }
    case 'callhome set': {
      if (rest.length) throw new UsageError('usage: confconsole callhome set --host H --port 22|443 [--ssl] [--proxy http://H:P|socks5://H:P] [--proxy-user U < password] | --default');
      const withUser = g.ch.includes('--proxy-user');
      const stdin = withUser ? (await readSecret('proxy password')) + '\n' : undefined;
      const r = await ctx.runner.script('set_callhome.sh', g.ch, { ...(stdin !== undefined ? { stdin } : {}), onLine: progress.line, survive: true });
      return report(g, outcomeOf(r, r.result.changed === false ? 'Nothing changed: these are the current settings.' : 'Call-Home settings saved.'));
    }
    case 'callhome partner': {
      const [sub, ...more] = rest;
      if ((sub !== 'set' && sub !== 'disable') || more.length) throw new UsageError('usage: confconsole callhome partner set --host H --port P | partner disable');
      if (sub === 'disable' && g.ch.length) throw new UsageError('callhome partner disable takes no options');
      const r = await ctx.runner.script('set_partner.sh', sub === 'disable' ? ['--disable'] : g.ch, { onLine: progress.line, survive: true });
      return report(g, outcomeOf(r, sub === 'disable' ? 'Partner connection disabled.' : 'Partner connection set.'));
    }
    case 'callhome ports': {
      if (rest.length !== 1) throw new UsageError('usage: confconsole callhome ports HOSTNAME');
      const r = await ctx.runner.script('callhome.sh', ['ports', rest[0] ?? '']);
      if (r.exitCode !== 0) return report(g, outcomeOf(r, ''));
      out(g, r.result, `SSH ${String(r.result.ssh)}, HTTPS ${String(r.result.https)}`);
      return EXIT.ok;
    }
    case 'pcap show': {
      if (rest.length) throw new UsageError('pcap show takes no arguments');
      const gb = pcapSize(await readSettings(ctx.paths.settingsIni));
      out(g, { enabled: gb > 0, size_gb: gb }, describePcap(gb));
      return EXIT.ok;
    }
    case 'pcap set': {
      if (rest.length !== 1) throw new UsageError('usage: confconsole pcap set GB   (0 disables packet capture)');
      const gb = check('pcap-gb', rest[0] ?? '', 'GB');
      const o = await operations['pcap.set']!.apply!(ctx, { gb }, progress);
      return report(g, o, codeOf(o));
    }
    default:
      throw new UsageError(`unknown command: ${words.join(' ')}`);
  }
}
