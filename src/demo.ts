// The demo appliance: a root seeded with what a fresh appliance has (manual: factory address
// 10.0.0.2), so `npm start` shows a working console without root rights or a real appliance.
// synchronous: a fresh demo's thirty small writes, each awaited through the thread pool, were a
// good part of the first frame's wait
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Profile } from './menu/types.js';
import { makePaths, type Paths } from './system/paths.js';
import { DEMO_HOSTS } from './firststart.js';

const ini = (profile: Profile) => `; Appliance settings. Written only by the scripts in sbin/ (see confconsole --help).
[appliance]
profile = ${profile}
demo = true

[ntp]
servers = "0.ubuntu.pool.ntp.org 1.ubuntu.pool.ntp.org"

[callhome]
enabled = no
host = "callhome.example.com"
default_host = "callhome.example.com"
port = 22
ssl = no
proxy = none

[services]
names = "${profile === 'vsensor' ? 'chrony vsensor-probe vsensor-pcap ssh' : 'chrony darktrace-core darktrace-probe ssh'}"
`;

const chrony = `# Welcome to the chrony configuration file. See chrony.conf(5) for more information.
# NTP servers, set by confconsole (set_ntp.sh)
server 0.ubuntu.pool.ntp.org iburst
server 1.ubuntu.pool.ntp.org iburst

keyfile /etc/chrony/chrony.keys
driftfile /var/lib/chrony/chrony.drift
logdir /var/log/chrony
maxupdateskew 100.0
rtcsync
makestep 1 3
`;

const netplan = `# Factory network settings (manual: the appliance ships with 10.0.0.2)
network:
  version: 2
  renderer: networkd
  ethernets:
    eth0:
      addresses: [10.0.0.2/24]
      routes:
        - to: 0.0.0.0/0
          via: 10.0.0.1
      nameservers:
        addresses: [10.0.0.1]
    eth1:
      dhcp4: false
      dhcp6: false
      link-local: []
      accept-ra: false
      optional: true
`;

const readme = `This directory is the root of a confconsole DEMO appliance.

Everything the console changes here is a real file, written by the real scripts in sbin/.
Effects on the host (service restarts, reboot, shutdown) are recorded in
var/log/confconsole/host-effects.log instead of being carried out.
Delete this directory to start again from the factory settings.
A vSensor demo comes set up: delete var/lib/confconsole/firstboot.done to see the first-boot
steps (keyboard layout, admin password) at the next start.
`;

const marker = `This root is a confconsole demo appliance: the scripts in sbin/ never act on the host here,
whatever etc/confconsole/appliance.ini says (sbin/lib/host.sh is_demo). Do not create this file
on a real appliance.
`;

/**
 * Seeds `root` when it is empty (or missing); returns whether it did. Either way the root is
 * marked as a demo (paths.demoMarker): a demo seeded before the marker existed gets it too.
 */
export async function seedDemo(root: string, profile: Profile): Promise<boolean> {
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const p: Paths = makePaths(root);
  if (readdirSync(root).length > 0) {
    try {
      writeFileSync(p.demoMarker, marker, { flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    return false;
  }
  writeFileSync(p.demoMarker, marker, { mode: 0o644 });
  const files: [string, string, number][] = [
    [p.settingsIni, ini(profile), 0o644],
    [p.hostname, `${DEMO_HOSTS[profile]}\n`, 0o644],
    [p.chronyConf, chrony, 0o644],
    [p.under('/etc/netplan/01-netcfg.yaml'), netplan, 0o600],
    [p.under('/README-DEMO.txt'), readme, 0o644],
    // set up already: the console's first start asks nothing (confconsole firstboot, Setup > 5
    // and 6 redo the steps; without this file the next start asks them)
    ...(profile === 'vsensor' ? ([[p.under('/var/lib/confconsole/firstboot.done'), 'first-boot steps done (demo appliance, as seeded)\n', 0o644]] as [string, string, number][]) : []),
    // osSensors that registered with the demo vSensor (the vSensor service keeps this list)
    ...(profile === 'vsensor'
      ? ([[p.under('/var/lib/confconsole/ossensors.json'), JSON.stringify([{ host: 'web-01', ip: '10.0.0.21' }, { host: 'db-01', ip: '10.0.0.22' }], null, 2) + '\n', 0o644]] as [string, string, number][])
      : []),
    // what the Healthcheck reads of the kernel (sbin/vsensor-health-check.sh reads /sys under the
    // root): AppArmor on with Ubuntu's profiles. Its packet counters are the demo's traffic
    // profile (sbin/lib/demo-traffic.json), the one Interface stats shows: not a file here
    [p.under('/sys/module/apparmor/parameters/enabled'), 'Y\n', 0o444],
    [p.under('/sys/kernel/security/apparmor/profiles'), ['/usr/sbin/chronyd', '/usr/sbin/tcpdump', '/usr/bin/man', 'lsb_release'].map((n) => `${n} (enforce)\n`).join(''), 0o444],
  ];
  for (const [file, text, mode] of files) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text, { mode });
  }
  for (const d of ['/var/log/confconsole', '/var/backups/confconsole', '/run/confconsole'])
    mkdirSync(p.under(d), { recursive: true });
  return true;
}
