// A stale match: stanza in the interface list of both consoles (netfix item 2, headless 80x24,
// demo, real scripts): a stanza whose `match: macaddress` no port has (a cloned machine's) is
// said to be stale, as the fresh-MACs review says, never "configures <its set-name>" as if that
// port were there (its set-name, when no port has it, is listed as an absent NIC). Three of the kind: a
// set-name no port has (eth7), a set-name a present port has with another MAC (eth0), no set-name.
// A stanza whose MAC a port has still configures that port.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Profile } from '../../src/menu/types.js';
import { demoRootWith, KEYS, startConsoleForTest } from '../support/headless.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

// the demo's ports: eth0 52:54:00:9c:32:a8, eth1 52:54:00:98:08:16 (src/demo.ts)
const CLOUD = `network:
  version: 2
  ethernets:
    gone7:
      match: {macaddress: "02:aa:bb:cc:dd:07"}
      set-name: eth7
      dhcp4: true
    gone0:
      match: {macaddress: "02:AA:BB:CC:DD:00"}
      set-name: eth0
    nic9:
      match: {macaddress: "02:aa:bb:cc:dd:09"}
    cap:
      match: {macaddress: "52:54:00:98:08:16"}
      set-name: eth1
`;

// the demo's ports are made from the netplan files at the first look (then kept): made before
// the clone's file comes, as on a cloned machine whose new ports have new MACs
const root = (profile: Profile) =>
  demoRootWith('cc-ui-stale-', profile, { '50-cloud-init.yaml': CLOUD }, (r) =>
    execFileSync(join(REPO, 'sbin/show_network.sh'), { env: { ...process.env, CONFCONSOLE_ROOT: r, CONFCONSOLE_DEMO: '1' }, stdio: 'ignore' }),
  );

describe('a stale match: stanza in the interface list (demo, 80x24)', () => {
  it.each(['appliance', 'vsensor'] as const)('the %s console: each stale stanza said stale, none configures a port', { timeout: 120_000 }, async (profile) => {
    const h = await startConsoleForTest({ profile, root: await root(profile), rows: 40 });
    await h.waitFor('Welcome');
    // appliance: 1 Networking and Traffic Analysis > 1 Configure network interfaces; vSensor: 1 Network > 1 Interfaces
    await h.press(KEYS.enter, '1', KEYS.enter, '1', KEYS.enter);
    await h.waitFor('Select an interface to configure.');
    await h.waitFor('cap (match: macaddress 52:54:00:98:08:16) configures eth1');
    await h.waitFor(/1\. eth0 +management/);
    // the dialog's text as one line (a long line wraps inside the box)
    const t = h.lines().map((l) => l.replace(/[│┌┐└┘─]/g, ' ').trim()).filter(Boolean).join(' ').replace(/\s+/g, ' ');
    expect(t).toContain('gone7 (match: macaddress 02:aa:bb:cc:dd:07) is stale: no interface has that MAC');
    expect(t).toContain('gone0 (match: macaddress 02:AA:BB:CC:DD:00) is stale: no interface has that MAC');
    expect(t).toContain('nic9 (match: macaddress 02:aa:bb:cc:dd:09) is stale: no interface has that MAC');
    expect(t).not.toMatch(/configures eth[07]|configures no link/);
    // eth7, the set-name of a stanza whose NIC is gone, is listed as absent (DOWN), never as up
    expect(t).toMatch(/3\. eth7 +management +DOWN/);
    expect(t).toMatch(/2\. eth1 +capture/);
  });
});
