// Fleet (issue 15): the real ansible-playbook runs examples/ansible/site.yml against three demo
// appliances on this machine (connection local, each host naming its --root): the first run
// changes NTP, Call-Home, PCAP and the master connection, the second finds them in place and
// reports changed=0 (the JSON "changed" of confconsole is the playbook's changed_when). The
// first-boot unit of examples/cloud-init passes systemd-analyze verify.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/demo.js';
import { missing } from '../support/requires.js';
import { REPO } from './helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const CLI = join(REPO, 'bin/confconsole');

/** PLAY RECAP → host → its counters. */
function recap(out: string): Record<string, Record<string, number>> {
  const r: Record<string, Record<string, number>> = {};
  const at = out.lastIndexOf('PLAY RECAP');
  for (const m of out.slice(at).matchAll(/^(\S+)\s+:\s+(.*)$/gm)) r[m[1]!] = Object.fromEntries([...m[2]!.matchAll(/(\w+)=(\d+)/g)].map((x) => [x[1]!, Number(x[2])]));
  return r;
}

describe.skipIf(missing('system: ansible fleet', ['ansible-playbook', 'python3', 'flock']))('fleet: the Ansible example', () => {
  it('a first run changes three appliances, a second changes nothing', async () => {
    const t = mkdtempSync(join(tmpdir(), 'cc-fleet-'));
    dirs.push(t);
    const root = (h: string) => join(t, h);
    await seedDemo(root('a1'), 'appliance');
    await seedDemo(root('a2'), 'appliance');
    await seedDemo(root('v1'), 'vsensor');
    const inv = {
      all: {
        vars: { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3', confconsole: [CLI, '--demo'], ntp_servers: ['10.7.0.1', '10.7.0.2'] },
        children: {
          appliances: {
            vars: {
              cc_profile: 'appliance',
              callhome: { enabled: false, host: 'ch.example.net', port: '22', ssl: false, proxy: 'none', user: 'autossh', proxy_user: '', partner: { enabled: false } },
            },
            hosts: { a1: { cc_options: ['--root', root('a1')] }, a2: { cc_options: ['--root', root('a2')], ntp_servers: ['10.7.0.9'] } },
          },
          vsensors: {
            vars: { cc_profile: 'vsensor', pcap_size_gb: 2, master_host: 'master.example.com', master_token: 'lab1:fleet-token-42' },
            hosts: { v1: { cc_options: ['--root', root('v1')] } },
          },
        },
      },
    };
    writeFileSync(join(t, 'inventory.json'), JSON.stringify(inv));
    const play = () => {
      const r = spawnSync('ansible-playbook', ['-i', join(t, 'inventory.json'), join(REPO, 'examples/ansible/site.yml')], {
        cwd: t,
        encoding: 'utf8',
        env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_HOME: join(t, '.ansible'), ANSIBLE_LOCAL_TEMP: join(t, '.ansible/tmp'), ANSIBLE_RETRY_FILES_ENABLED: '0', NO_COLOR: '1' },
        timeout: 240_000,
      });
      expect(r.status, r.stdout + r.stderr).toBe(0);
      return { out: r.stdout, recap: recap(r.stdout) };
    };
    const first = play();
    expect(first.recap).toMatchObject({ a1: { changed: 1, failed: 0 }, a2: { changed: 1, failed: 0 }, v1: { changed: 2, failed: 0 } });
    expect(first.out).not.toContain('fleet-token-42'); // no_log: the token never in the output
    const ini = (h: string) => readFileSync(join(root(h), 'etc/confconsole/appliance.ini'), 'utf8');
    expect(ini('a1')).toContain('servers = "10.7.0.1 10.7.0.2"');
    expect(ini('a2')).toContain('servers = "10.7.0.9"');
    expect(ini('a1')).toContain('host = "ch.example.net"');
    expect(ini('v1')).toMatch(/\[pcap\][^[]*size_gb = "?2"?/);
    expect(ini('v1')).toContain('host = "master.example.com"');
    const second = play();
    expect(second.recap).toMatchObject({ a1: { changed: 0, failed: 0, ok: 1 }, a2: { changed: 0, failed: 0, ok: 1 }, v1: { changed: 0, failed: 0, ok: 2 } });
    // what changed is also in each appliance's history, by area
    const hist = JSON.parse(spawnSync(process.execPath, [CLI, '--demo', '--root', root('v1'), 'history', '--json'], { encoding: 'utf8' }).stdout) as { revisions: { area: string }[] };
    expect(hist.revisions.map((r) => r.area).sort()).toEqual(['master', 'ntp', 'pcap']);
  });
});

describe.skipIf(missing('system: first-boot unit', ['systemd-analyze']))('fleet: the first-boot unit', () => {
  it('passes systemd-analyze verify (its programs where this checkout has them)', () => {
    const t = mkdtempSync(join(tmpdir(), 'cc-fleet-unit-'));
    dirs.push(t);
    const unit = readFileSync(join(REPO, 'sbin/systemd/confconsole-first-boot.service'), 'utf8');
    expect(unit).toMatch(/^ConditionPathExists=\/etc\/confconsole\/first-boot\.yaml$/m);
    expect(unit).toMatch(/^ExecStartPost=.*first-boot\.yaml \/etc\/confconsole\/first-boot\.yaml\.applied$/m);
    // the package's /usr/sbin/confconsole is this checkout's bin/confconsole here
    expect(unit).toMatch(/^ExecStart=\/usr\/sbin\/confconsole import /m);
    writeFileSync(join(t, 'confconsole-first-boot.service'), unit.replaceAll('/usr/sbin/confconsole', join(REPO, 'bin/confconsole')));
    const r = spawnSync('systemd-analyze', ['verify', join(t, 'confconsole-first-boot.service')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('confconsole-first-boot.service:');
    // the cloud-init example drops the document the unit applies
    const ud = readFileSync(join(REPO, 'examples/cloud-init/user-data'), 'utf8');
    expect(ud.startsWith('#cloud-config\n')).toBe(true);
    expect(ud).toContain('path: /etc/confconsole/first-boot.yaml');
  });

  it('the cloud-init document is one confconsole import accepts', async () => {
    const t = mkdtempSync(join(tmpdir(), 'cc-fleet-ci-'));
    dirs.push(t);
    await seedDemo(t, 'appliance');
    const { parse } = await import('yaml');
    const ud = parse(readFileSync(join(REPO, 'examples/cloud-init/user-data'), 'utf8')) as { write_files: { path: string; content: string }[] };
    const doc = ud.write_files.find((f) => f.path === '/etc/confconsole/first-boot.yaml')!.content;
    writeFileSync(join(t, 'first-boot.yaml'), doc);
    const r = spawnSync(process.execPath, [CLI, '--demo', '--root', t, 'import', join(t, 'first-boot.yaml'), '--dry-run', '--json'], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { ok: boolean; areas: { area: string; result: string }[] };
    expect(j.ok).toBe(true);
    expect(j.areas.map((a) => [a.area, a.result])).toEqual([['ntp', 'would change'], ['callhome', 'would change']]);
  });
});
