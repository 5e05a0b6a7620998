// Where the update repository's values come from (issue 13: the vendor's URL and package names
// are not known here; the built-in ones are placeholders): `updates show` says whether the
// repository is updates.conf's or the built-in placeholder, and what is wrong in updates.conf
// (exit 0, the rest still shown); the writers refuse a wrong file naming the file, the key and
// what it needs, writing nothing (never an APT error dump, never an internal error); an APT
// failure on the placeholder says where the vendor's values go. No package repository needed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { missing } from '../support/requires.js';
import { makeRoot, removeRoots, REPO, runCommand, runScript, runScriptInput, scriptEnv, treeSnapshot, type Root } from './helpers.js';

const why = missing('system: updates.conf', ['bash']);
const CLI = join(REPO, 'bin/confconsole');
const CONF = 'etc/confconsole/updates.conf';

function root(conf?: string): Root {
  const r = makeRoot({ demo: false });
  if (conf !== undefined) {
    mkdirSync(join(r.dir, 'etc/confconsole'), { recursive: true });
    writeFileSync(join(r.dir, CONF), conf);
  }
  return r;
}
const cli = (r: Root, args: string[]) => runCommand(process.execPath, [CLI, '--root', r.dir, '--profile', 'vsensor', ...args], scriptEnv(r.dir));

describe.skipIf(why)('updates.conf: the vendor repository, the placeholder, a wrong file', () => {
  afterAll(() => removeRoots());

  it('no updates.conf: show says the repository is the built-in placeholder and where the vendor\'s values go', async () => {
    const r = root();
    const s = await runScript('show_updates.sh', [], r.dir);
    expect(s.code, s.stderr).toBe(0);
    expect(s.json.config).toMatchObject({ file: join(r.dir, CONF), exists: false, from_file: [], error: null });
    const text = await cli(r, ['updates', 'show']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`(the built-in placeholder: the vendor's url and packages go in ${join(r.dir, CONF)})`);
  });

  it('the vendor\'s values in updates.conf: shown as configured, from the file', async () => {
    const r = root('# the vendor\'s repository\nurl = https://repo.vendor.example/vsensor/\nsuite = jammy\npackages = vs-probe vs-pcap\n');
    const s = await runScript('show_updates.sh', [], r.dir);
    expect(s.json).toMatchObject({ repository: 'https://repo.vendor.example/vsensor', config: { exists: true, from_file: ['url', 'suite', 'packages'], suite: 'jammy', packages: 'vs-probe vs-pcap', error: null } });
    expect(s.json.packages).toEqual([{ package: 'vs-probe', version: null }, { package: 'vs-pcap', version: null }]);
    const text = await cli(r, ['updates', 'show']);
    expect(text.stdout).toContain(`Repository: https://repo.vendor.example/vsensor (from ${join(r.dir, CONF)})`);
    expect(text.stdout).toContain('vSensor packages: vs-probe (not installed), vs-pcap (not installed)');
  });

  it.each([
    ['an empty url', 'url =\n', /url is empty: give the vendor's value/],
    ['an http url', 'url = http://repo.vendor.example/vs\n', /url must be https:\/\/HOST\[:PORT\]\[\/PATH\].*not "http:\/\/repo\.vendor\.example\/vs"/],
    ['an unknown key', 'repository = https://repo.vendor.example\n', /unknown key "repository" \(url, suite, components, packages, login, signed_by, ca_info\)/],
    ['empty packages', 'url = https://repo.vendor.example\npackages =\n', /packages is empty/],
    ['a package name that is not one', 'packages = Vs_Probe\n', /packages must be Debian package names/],
  ])('%s: show says it (exit 0, the rest shown); set-key and upgrade refuse naming the file and key, writing nothing', async (name, conf, said) => {
    const r = root(conf);
    const s = await runScript('show_updates.sh', [], r.dir);
    expect(s.code, s.stderr).toBe(0);
    expect(s.json.config.error).toMatch(said);
    expect(s.json.config.error).toContain(join(r.dir, CONF));
    expect(s.json).toMatchObject({ ok: true, key_set: false, proxy: null });
    // a refused value is replaced by the built-in one: never said to come from the file
    const refused = { 'an http url': 'url', 'a package name that is not one': 'packages' }[name];
    if (refused) expect(s.json.config.from_file).not.toContain(refused);
    const text = await cli(r, ['updates', 'show']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/The update settings are wrong: .*UpdateKey and Upgrade refuse to run until it is fixed\./);
    expect(text.stderr).not.toMatch(/internal error/i);
    // the log and the lock may appear; nothing else
    const skip = (rel: string) => rel.startsWith('.test') || /^var\/log(\/|$)/.test(rel) || rel.startsWith('run/confconsole/lock');
    const before = treeSnapshot(r.dir, skip);
    const key = await runScriptInput('set_updatekey.sh', [], r.dir, 'abcdefabcdefabcdef\n');
    expect(key.code).toBe(1);
    expect(key.json.error).toMatch(said);
    expect(key.stderr).not.toMatch(/^E: |Traceback/m);
    const up = await runScript('upgrade_vsensor.sh', ['--phase', 'download'], r.dir);
    expect(up.code).toBe(1);
    expect(up.json.error).toMatch(said);
    expect(treeSnapshot(r.dir, skip)).toEqual(before);
  });

  it('an APT failure on the placeholder repository says where the vendor\'s values go; on the vendor\'s it does not', async () => {
    const say = async (conf: string | undefined, cause: string) => {
      const r = root(conf);
      const sh = `. "${REPO}/sbin/lib/common.sh"; . "${REPO}/sbin/lib/updates.sh"; upd_conf_load; UPD_CAUSE=${cause} UPD_HTTP=401 UPD_REASON="Could not resolve 'x'"; upd_cause_text`;
      const res = await runCommand('bash', ['-c', sh], scriptEnv(r.dir));
      expect(res.code, res.stderr).toBe(0);
      return res.stdout;
    };
    for (const cause of ['unresolved', 'unreachable', 'not_found']) {
      expect(await say(undefined, cause)).toMatch(/the repository is the built-in placeholder https:\/\/\S+: put the vendor's url \(and packages\) in .*etc\/confconsole\/updates\.conf$/);
      expect(await say('url = https://repo.vendor.example/vs\n', cause)).not.toContain('placeholder');
    }
    // a refused key is the key's fault, wherever the repository is
    expect(await say(undefined, 'refused')).not.toContain('placeholder');
  });
});
