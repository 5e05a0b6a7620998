// End to end: the training manual's procedures (chapter 4, "Set the Appliance IP Address" and
// "Configure NTP settings") replayed keystroke by keystroke in a real terminal (tmux, 80x24), on
// the demo appliance: each step as the manual words it, the screen it leads to, and the keys it
// names (one value, then OK/Enter). Steps are data, so a reader can hold them against the manual.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { missing } from '../support/requires.js';
import { freeUdpPort, ntpAnswers, readOr, stopPid, waitFor } from '../system/helpers.js';
import { consoles, frame, replay, type Console, type Step } from './support.js';

const why = missing('e2e: the manual replayed', ['tmux']);
const whyNtp = missing('e2e: the manual NTP procedure (a local NTP server)', ['tmux', 'chronyd']);

/** "Set the Appliance IP Address", steps 1-14, for `iface` (the first listed, eth0). */
const setIpSteps = (ip: { address: string; mask: string; gateway: string; dns: string }): Step[] => [
  { manual: '3. Log in ... Confirm the Console Setup options are displayed', screen: 'Welcome', keys: ['Enter'] },
  { manual: '1. select option 1. Networking and Traffic Analysis ... press OK', screen: /Console Setup[\s\S]*1\. Networking and Traffic Analysis/, keys: ['1', 'Enter'] },
  { manual: '2. Within the Network Settings options, choose 1. Configure network interfaces. Click OK.', screen: /Network Settings[\s\S]*1\. Configure network interfaces/, keys: ['1', 'Enter'] },
  { manual: '3. Select an interface to configure.', screen: /1\. eth0\s+management/, keys: ['Enter'] },
  { manual: '4. Click Change configuration and click OK.', screen: /eth0: management[\s\S]*1\. Change configuration/, keys: ['1', 'Enter'] },
  // 5 and 6 are one dialog in this console: the warning and its question; its Yes is both
  { manual: '5. A message confirms the appliance will temporarily be disconnected ... OK. 6. Choose Yes', screen: /temporarily[\s\S]*disconnected[\s\S]*Do you want to change the current network settings of eth0\?/, keys: ['Enter'] },
  { manual: '7. Select Yes to configure a static IP.', screen: /Configure a static IP\?[\s\S]*\(\*\) Static IP/, keys: ['Enter'] },
  { manual: '8. Enter the new IP address. Press OK.', screen: 'IP address', value: ip.address, keys: ['Enter'] },
  { manual: '9. For the next step, enter a new Network Mask. Press OK.', screen: 'Network mask', value: ip.mask, keys: ['Enter'] },
  { manual: '10. Enter a new Default Gateway. Click OK.', screen: 'Default gateway', value: ip.gateway, keys: ['Enter'] },
  { manual: '11. Enter a DNS Server (more separated by spaces).', screen: 'DNS servers', value: ip.dns, keys: ['Enter'] },
  { manual: '12. ... leave the domain blank and press OK.', screen: 'Search domain', value: '', keys: ['Enter'] },
  { manual: '13. ... a review screen will display your changes ... choosing Yes.', screen: /Review the change before it is applied[\s\S]*Apply these settings to eth0\?/, keys: ['Enter'] },
  // not in the manual: this console keeps a network change only once it is confirmed
  { manual: '(this console) confirm that the appliance can still be reached', screen: /Time left to confirm: \d+ s/, keys: ['Enter'] },
  { manual: '14. Press Done', screen: 'Confirmed: the new network settings stay.', keys: ['Enter'] },
  { manual: '14. ... and then select Cancel to navigate back to the Home screen.', screen: /Interface eth0 [─q-]/, keys: ['Escape'] },
  { manual: '(Cancel)', screen: /Network interfaces [─q-]/, keys: ['Escape'] },
  { manual: '(Cancel)', screen: /Network Settings [─q-]/, keys: ['Escape'] },
];

/** "Configure NTP settings", steps 1-11. */
const ntpSteps = (server: string): Step[] => [
  { manual: '(log in: the Welcome)', screen: 'Welcome', keys: ['Enter'] },
  { manual: '1. From the Console homepage, select option 1. Networking and Traffic Analysis and click OK.', screen: /Console Setup[\s\S]*1\. Networking and Traffic Analysis/, keys: ['1', 'Enter'] },
  { manual: '2. Select option 4. NTP Settings and press OK.', screen: /Network Settings[\s\S]*4\. NTP Settings/, keys: ['4', 'Enter'] },
  { manual: '3. Select option 2. Change NTP servers and press OK.', screen: /NTP Settings[\s\S]*2\. Change NTP servers/, keys: ['2', 'Enter'] },
  { manual: '4. Press Yes to confirm you wish to make changes.', screen: 'Do you want to change the NTP servers?', keys: ['Enter'] },
  { manual: '5. Enter a new address for your NTP Server ... Press OK.', screen: 'NTP servers (separated by spaces)', value: server, keys: ['Enter'] },
  { manual: '6. Confirm if you would like to test that Darktrace can access your NTP Server.', screen: 'Do you want to test that the appliance can reach these NTP servers?', keys: ['Enter'] },
  { manual: '7. Check it connects successfully and click OK.', screen: 'All 1 NTP server(s) answered', keys: ['Enter'] },
  { manual: '8. Read through the new network settings and confirm your changes by pressing Yes.', screen: /Review the change[\s\S]*Apply this change\?/, keys: ['Enter'] },
  { manual: '9. Press Done to complete changes and set the NTP Server.', screen: 'Done: the NTP servers are set.', keys: ['Enter'] },
  { manual: '10. Select View NTP servers to confirm it has been set correctly.', screen: /NTP Settings[\s\S]*1\. View NTP servers/, keys: ['1', 'Enter'] },
];

describe.skipIf(why !== undefined)("e2e: the manual's procedures, keystroke by keystroke", () => {
  const open = consoles();
  afterEach(() => {
    for (const c of opened.splice(0)) {
      // a failed replay may leave a network change waiting: put it back before the root goes
      try {
        const p = c.fileOr('var/lib/confconsole/net-pending.json', 'null').trim();
        if (p !== '' && p !== 'null') c.cli('network', 'rollback');
      } catch {
        /* the root is gone */
      }
    }
    open.closeAll();
  });
  const opened: Console[] = [];

  it('Set the Appliance IP Address: one value, then OK, per step; the address is set and confirmed', async () => {
    const c = open.open();
    opened.push(c);
    await c.start();
    const ip = { address: '10.0.5.7', mask: '255.255.255.0', gateway: '10.0.5.1', dns: '10.0.5.53 10.0.5.54' };
    await replay(c, setIpSteps(ip));
    // back on the Home screen, the change made and kept
    const home = await c.waitFor(/Console Setup [─q-]/);
    expect(home, frame(home)).toContain('1. Networking and Traffic Analysis');
    const r = c.cli('network', 'show', '--json');
    expect(r.status, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as { interfaces: { name: string }[]; pending: unknown };
    expect(s.pending).toBeNull();
    expect(s.interfaces.find((i) => i.name === 'eth0')).toMatchObject({ mode: 'static', address: '10.0.5.7', prefix: 24, gateway: '10.0.5.1', dns: ['10.0.5.53', '10.0.5.54'], search: [] });
    expect(c.file('etc/netplan/01-netcfg.yaml')).toContain('10.0.5.7/24');
  });

  describe.skipIf(whyNtp !== undefined)('with a local NTP server on loopback', () => {
    let dir = '';
    let port = 0;
    let pid: number | undefined;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'cc-e2e-ntpd-'));
      port = await freeUdpPort();
      const conf = join(dir, 'server.conf');
      writeFileSync(conf, ['local stratum 8', 'allow 127.0.0.1', `port ${port}`, 'bindaddress 127.0.0.1', 'cmdport 0', `pidfile ${dir}/chronyd.pid`, `driftfile ${dir}/chrony.drift`].join('\n') + '\n');
      // -x: never touch the clock
      const r = spawnSync('chronyd', ['-x', '-u', 'root', '-f', conf], { encoding: 'utf8' });
      expect(r.status, `chronyd did not start: ${r.stderr}`).toBe(0);
      pid = await waitFor('the NTP server pid file', () => Number(readOr(join(dir, 'chronyd.pid')).trim()) || undefined, 5000, 50);
      await waitFor('the NTP server to answer', () => ntpAnswers('127.0.0.1', port), 10_000, 100);
    });
    afterAll(async () => {
      await stopPid(pid);
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('Configure NTP settings: one value, then OK, per step; the test connects, the server is set and listed', async () => {
      const c = open.open();
      opened.push(c);
      await c.start();
      const server = `127.0.0.1:${port}`;
      await replay(c, ntpSteps(server));
      // 11. Current NTP servers will be listed.
      const view = await c.waitFor('Current NTP servers');
      expect(view).toMatch(new RegExp(`1\\s+127\\.0\\.0\\.1:${port}`));
      expect(c.file('etc/chrony/chrony.conf')).toContain(`server 127.0.0.1 port ${port} iburst`);
      expect(JSON.parse(c.cli('ntp', 'show', '--json').stdout)).toMatchObject({ ok: true, servers: [server] });
    });
  });
});
