// The Call-Home menu of the appliance console (manual ch. 4: 3. Appliance Admin > 2. Call-Home
// menu) and its commands (`confconsole callhome ...`).
import { applies, check, checkFields, need, report, str, UsageError } from '../../commands/output.js';
import type { Command } from '../../commands/types.js';
import type { Values } from '../../core/types.js';
import { yesNoChoices } from '../../menu/choices.js';
import type { Field, Menu } from '../../menu/types.js';
import { host, port } from '../../rules/address.js';
import { password, proxyAddress, proxyUser } from '../../rules/callhome.js';
import { EXIT, run } from '../../system/runner.js';
import { outcomeOf } from '../../core/outcome.js';
import {
  callhomeClearCache, callhomeConfig, callhomeDefault, callhomePubkey, callhomeShow, callhomeStatus, callhomeToggle,
  partnerDisable, partnerSet, partnerShow, publicKey, switchCallhome,
} from './ops.js';
import { callhomeState, describeCallhome, scripts } from './state.js';

const yesNo = yesNoChoices();

/** Call-Home configuration, in the manual's order: host, port, SSL wrapping (443), proxy. */
export const configFields: Field[] = [
  { name: 'host', label: 'Call-Home host (name or IP address)', short: 'Host', rule: host, help: 'The support server the tunnel connects to: a host name (RFC 1123) or an IPv4 address.' },
  {
    name: 'port',
    label: 'Port',
    short: 'Port',
    choices: [
      { value: '22', label: '22 (SSH)' },
      { value: '443', label: '443 (HTTPS port)' },
    ],
    help: '22 is plain SSH. 443 goes through firewalls that only allow HTTPS; use it with SSL wrapping.',
  },
  {
    name: 'ssl',
    label: 'Wrap the connection in SSL?',
    short: 'SSL wrapping',
    choices: yesNo,
    when: { field: 'port', is: ['443'] },
    help: 'Yes wraps the SSH connection in TLS, so it looks like HTTPS to firewalls and proxies (port 443 only).',
  },
  {
    name: 'proxyType',
    label: 'Proxy',
    short: 'Proxy',
    choices: [
      { value: 'none', label: 'None' },
      { value: 'http', label: 'HTTP' },
      { value: 'socks5', label: 'SOCKS5' },
    ],
    help: 'None connects directly. HTTP uses a CONNECT proxy (with an optional login); SOCKS5 a SOCKS proxy without login.',
  },
  {
    name: 'proxyAddress',
    label: 'Proxy address (HOST:PORT)',
    short: 'Proxy address',
    rule: proxyAddress,
    when: { field: 'proxyType', is: ['http', 'socks5'] },
    help: 'The proxy as HOST:PORT, e.g. proxy.example.com:3128.',
  },
  { name: 'proxyUser', label: 'Proxy user (empty when none is needed)', short: 'Proxy user', rule: proxyUser, when: { field: 'proxyType', is: ['http'] }, help: 'Only when the HTTP proxy asks for a login. Leave empty otherwise.' },
  {
    name: 'proxyPassword',
    label: 'Proxy password',
    short: 'Proxy password',
    rule: password,
    masked: true,
    when: { field: 'proxyType', is: ['http'] },
    help: 'The proxy login password. It is masked, sent to the script on standard input and stored readable by root only.',
  },
];

const partnerFields: Field[] = [
  { name: 'host', label: 'Partner SSH server (name or IP address)', short: 'Host', rule: host, help: "The partner's SSH server that receives the second tunnel: a host name or an IPv4 address." },
  { name: 'port', label: 'Port', short: 'Port', rule: port, help: "The port of the partner's SSH server, 1 to 65535 (usually 22)." },
];

/** 1 Public key, 2 Status, 3 Enable/Disable, 4 Configuration, 5 Clear cache, 6 Partner connection. */
export const callhomeMenu: Menu = {
  title: 'Call-Home',
  status: callhomeShow,
  items: [
    {
      key: '1',
      label: 'Call-Home public key',
      help: 'The key this appliance authenticates its Call-Home connections with (a partner installs it on its SSH server).',
      flow: { kind: 'view', op: callhomePubkey },
    },
    {
      key: '2',
      label: 'Call-Home status',
      help: 'Five checks: service running, configuration enabled, host name resolution, TCP connectivity (through the proxy and SSL when configured), authentication. Each FAIL comes with what to check.',
      flow: { kind: 'run', op: callhomeStatus, progress: 'Call-Home status' },
    },
    {
      key: '3',
      label: 'Enable/Disable Call-Home',
      help: 'Turns the support connection on or off. While it is enabled, choosing it twice (disable, then enable) restarts the connection.',
      flow: { kind: 'do', op: callhomeToggle, confirm: 'ask', progress: 'Changing Call-Home' },
    },
    {
      key: '4',
      label: 'Call-Home configuration',
      help: 'Host, port 22 or 443, SSL wrapping (with 443), and an HTTP or SOCKS proxy when the firewall needs one.',
      menu: {
        title: 'Call-Home configuration',
        status: callhomeShow,
        items: [
          {
            key: '1',
            label: 'Edit the configuration',
            help: 'On boot the appliance calls home over port 22; the default configuration uses 443 with SSL wrapping.',
            flow: {
              kind: 'form',
              op: callhomeConfig,
              fields: configFields,
              check: true,
              question: 'Save this Call-Home configuration?',
              progress: 'Saving the Call-Home configuration',
            },
          },
          {
            key: '2',
            label: 'Default configuration (443 with SSL wrapping)',
            help: 'Port 443 with SSL wrapping, to the Call-Home host, without a proxy.',
            flow: { kind: 'do', op: callhomeDefault, confirm: 'ask', defaultNo: true, progress: 'Saving the default configuration' },
          },
        ],
      },
    },
    {
      key: '5',
      label: 'Clear Call-Home cache',
      help: "Deletes the known host keys of the Call-Home connection; helps when the server's key has changed. Call-Home must be disabled first.",
      flow: { kind: 'do', op: callhomeClearCache, confirm: 'ask', progress: 'Clearing the Call-Home cache' },
    },
    {
      key: '6',
      label: 'Call-Home partner connection',
      help: "A second tunnel to a partner's SSH server (dual call-home), with the public key to install there and the forwarded ports.",
      menu: {
        title: 'Partner connection',
        status: partnerShow,
        items: [
          {
            key: '1',
            label: "Set the partner's SSH server",
            help: "The partner's SSH server (its external address, forwarded to it) and port.",
            flow: { kind: 'form', op: partnerSet, fields: partnerFields, check: true, progress: 'Setting the partner connection' },
          },
          {
            key: '2',
            label: 'Disable the partner connection',
            help: "Only the vendor's Call-Home stays (single call-home).",
            flow: { kind: 'do', op: partnerDisable, confirm: 'ask', progress: 'Disabling the partner connection' },
          },
          {
            key: '3',
            label: "Public key for the partner's server",
            help: 'The one line the partner installs in the authorized_keys of the autossh user on its SSH server.',
            flow: { kind: 'view', op: callhomePubkey },
          },
        ],
      },
    },
  ],
};

const PROXY = /^(http|socks5):\/\/(.+)$/;

export const commands: Command[] = [
  {
    path: ['callhome', 'show'],
    summary: 'the Call-Home (support tunnel) settings',
    covers: [callhomeShow],
    async run(ctx, _in, out) {
      const s = await callhomeState(ctx);
      out.print(s, describeCallhome(s));
      return EXIT.ok;
    },
  },
  {
    path: ['callhome', 'status'],
    summary: "the manual's five checks and the forwards' own (exit 5 when one fails)",
    covers: [callhomeStatus],
    async run(ctx, _in, out) {
      // the rows are the output: not streamed as progress too
      const o = await callhomeStatus.run(ctx, {}, { line: () => {} });
      if (o.data === undefined) return report(out, o);
      out.print(o.data, [...(o.details ?? []), '', o.summary].join('\n'));
      return o.code ?? EXIT.ok;
    },
  },
  ...(['enable', 'disable'] as const).map(
    (verb): Command => ({
      path: ['callhome', verb],
      summary: verb === 'enable' ? 'enable Call-Home (while enabled: restart the connection)' : 'disable Call-Home (the tunnel stops)',
      covers: [callhomeToggle],
      async run(ctx, _in, out) {
        return report(out, await switchCallhome(ctx, verb === 'enable', out.progress));
      },
    }),
  ),
  {
    path: ['callhome', 'restart'],
    summary: 'restart the Call-Home connection (enabled only)',
    covers: [],
    writes: true,
    async run(ctx, _in, out) {
      const r = await run(ctx.runner, scripts.switch, ['restart'], { onLine: out.progress.line, survive: true });
      return report(out, outcomeOf(r, 'The Call-Home connection was restarted.'));
    },
  },
  applies(['callhome', 'clear-cache'], 'forget the server host keys (Call-Home must be disabled)', callhomeClearCache),
  {
    path: ['callhome', 'pubkey'],
    summary: "this appliance's public key, as the one line a partner installs",
    covers: [callhomePubkey],
    async run(ctx, _in, out) {
      const pubkey = await publicKey(ctx);
      out.print({ ok: true, pubkey }, pubkey);
      return EXIT.ok;
    },
  },
  {
    path: ['callhome', 'set'],
    summary: 'where the appliance calls home, and how',
    more: [
      '--host H --port 22|443 [--ssl] [--proxy http://H:P | socks5://H:P | none] [--proxy-user U]   (the proxy password is read from standard input)',
      '--default      port 443 with SSL wrapping, to the default Call-Home host, no proxy',
    ],
    options: {
      host: { type: 'string', value: 'H', help: 'the Call-Home server' },
      port: { type: 'string', value: '22|443', help: 'SSH port 22, or 443 through firewalls' },
      ssl: { type: 'boolean', help: 'wrap SSH in SSL (port 443)' },
      proxy: { type: 'string', value: 'URL', help: 'http://HOST:PORT, socks5://HOST:PORT or none' },
      'proxy-user': { type: 'string', value: 'U', help: 'the HTTP proxy login (its password on stdin)' },
      default: { type: 'boolean', help: 'the default configuration' },
    },
    covers: [callhomeConfig, callhomeDefault],
    async run(ctx, { opts }, out) {
      if (opts.default === true) {
        const extra = ['host', 'port', 'ssl', 'proxy', 'proxy-user'].find((o) => opts[o] !== undefined);
        if (extra) throw new UsageError(`--default sets host, port and SSL itself: give no --${extra} with it`);
        return report(out, await callhomeDefault.apply(ctx, {}, out.progress));
      }
      need(opts.host, '--host (or --default)', 'callhome set');
      const portValue = need(opts.port, '--port', 'callhome set');
      if (opts.ssl === true && portValue !== '443') throw new UsageError('--ssl goes with --port 443');
      const proxy = str(opts.proxy) ?? 'none';
      const m = PROXY.exec(proxy);
      if (proxy !== 'none' && !m) throw new UsageError('--proxy: the proxy is http://HOST:PORT, socks5://HOST:PORT or none');
      if (opts['proxy-user'] !== undefined && m?.[1] !== 'http') throw new UsageError('--proxy-user needs an HTTP proxy (--proxy http://HOST:PORT)');
      const values: Values = {
        host: need(opts.host, '--host', 'callhome set'),
        port: portValue,
        ssl: opts.ssl === true ? 'yes' : 'no',
        proxyType: m?.[1] ?? 'none',
        proxyAddress: m?.[2] ?? '',
        proxyUser: str(opts['proxy-user']) ?? '',
        proxyPassword: '',
      };
      const checked = checkFields(configFields, values, { proxyAddress: '--proxy', proxyUser: '--proxy-user' });
      if (checked.proxyUser) checked.proxyPassword = check(password, await out.readSecret('proxy password'), 'proxy password');
      const errors = (await callhomeConfig.check(ctx, checked)).errors;
      if (errors.proxyPassword) throw new UsageError(`proxy password (standard input): ${errors.proxyPassword}`);
      return report(out, await callhomeConfig.apply(ctx, checked, out.progress));
    },
  },
  {
    path: ['callhome', 'partner', 'set'],
    summary: "a partner's SSH server for a second tunnel (dual call-home)",
    options: { host: { type: 'string', value: 'H', help: "the partner's SSH server" }, port: { type: 'string', value: 'P', help: 'its port' } },
    covers: [partnerSet],
    async run(ctx, { opts }, out) {
      const values = checkFields(partnerFields, { host: need(opts.host, '--host', 'callhome partner set'), port: need(opts.port, '--port', 'callhome partner set') });
      return report(out, await partnerSet.apply(ctx, values, out.progress));
    },
  },
  applies(['callhome', 'partner', 'disable'], 'stop the partner connection', partnerDisable),
  {
    path: ['callhome', 'ports'],
    args: 'HOSTNAME',
    nargs: [1, 1],
    summary: "the partner's forwarded SSH/HTTPS ports for an appliance host name (dt-123-01)",
    covers: [partnerShow],
    async run(ctx, { args }, out) {
      const r = await run(ctx.runner, scripts.ports, ['ports', args[0] ?? '']);
      if (!r.ok) return report(out, outcomeOf(r, ''));
      out.print(r.value, `SSH ${r.value.ssh}, HTTPS ${r.value.https}`);
      return EXIT.ok;
    },
  },
];
