// A package repository for the Updates tests, all on loopback and made here: a small package
// built with dpkg-deb in as many versions as a test publishes, indexed with dpkg-scanpackages,
// a Release signed with a throwaway gpg key, served over HTTPS (a test CA made with openssl)
// behind basic authentication that accepts one update key (a second, "revoked" key gets 403),
// and tinyproxy on loopback with a login, for the proxy for updates.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PKG = 'cc-test-vsensor';
export const LOGIN = 'vsensor';

export interface Repo {
  dir: string;
  port: number;
  /** the key the repository accepts, and one it refuses with 403 */
  key: string;
  revoked: string;
  caPem: string;
  keyring: Buffer;
  /** makes VERSION of the package and publishes the index with every version made so far */
  publish(version: string): void;
  /** requests seen: method and path and whether the key was right */
  requests: { path: string; status: number }[];
  /** .deb answers are delayed by this many ms (a download long enough to be cancelled) */
  debDelayMs: number;
  proxy: { port: number; user: string; password: string; log: string };
  /** stops tinyproxy (what went through it can no longer) */
  stopProxy(): Promise<void>;
  close(): Promise<void>;
}

const run = (cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) =>
  execFileSync(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? res(a.port) : rej(new Error('no port'))));
    });
  });
}

export async function makeRepo(): Promise<Repo> {
  const dir = mkdtempSync(join(tmpdir(), 'cc-updates-repo-'));
  const www = join(dir, 'www');
  const gnupg = join(dir, 'gnupg');
  mkdirSync(www);
  mkdirSync(gnupg, { mode: 0o700 });
  const genv = { ...process.env, GNUPGHOME: gnupg };
  run('gpg', ['--batch', '--pinentry-mode', 'loopback', '--passphrase', '', '--quick-gen-key', 'confconsole test repository <test@example.invalid>', 'ed25519', 'sign', 'never'], { env: genv });
  const keyring = run('gpg', ['--export'], { env: genv });
  run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'srv.key', '-out', 'srv.pem', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { cwd: dir });
  const key = `k3y-${createHash('sha256').update(dir).digest('hex').slice(0, 24)}`;
  const revoked = `revoked-${createHash('sha256').update(dir + 'r').digest('hex').slice(0, 16)}`;
  const auth = (k: string) => 'Basic ' + Buffer.from(`${LOGIN}:${k}`).toString('base64');

  const publish = (version: string) => {
    const pkg = join(dir, `pkg-${version}`);
    mkdirSync(join(pkg, 'DEBIAN'), { recursive: true });
    mkdirSync(join(pkg, 'usr/share', PKG), { recursive: true });
    writeFileSync(join(pkg, 'DEBIAN/control'), `Package: ${PKG}\nVersion: ${version}\nArchitecture: all\nMaintainer: confconsole tests <test@example.invalid>\nDescription: a package made only for the confconsole Updates tests\n`);
    writeFileSync(join(pkg, 'usr/share', PKG, 'version'), `${version}\n`);
    run('dpkg-deb', ['--root-owner-group', '-b', pkg, join(www, `${PKG}_${version}_all.deb`)]);
    const packages = run('dpkg-scanpackages', ['-m', '.'], { cwd: www });
    writeFileSync(join(www, 'Packages'), packages);
    const sum = (f: string) => ` ${createHash('sha256').update(readFileSync(join(www, f))).digest('hex')} ${statSync(join(www, f)).size} ${f}`;
    writeFileSync(join(www, 'Release'), ['Origin: confconsole-test', 'Label: confconsole-test', 'Suite: stable', `Date: ${new Date().toUTCString()}`, 'SHA256:', sum('Packages'), ''].join('\n'));
    run('gpg', ['--batch', '--yes', '--clearsign', '-o', join(www, 'InRelease'), join(www, 'Release')], { env: genv });
  };

  const requests: Repo['requests'] = [];
  const repo = { debDelayMs: 0 } as Repo;
  const server = https.createServer({ key: readFileSync(join(dir, 'srv.key')), cert: readFileSync(join(dir, 'srv.pem')) }, (req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!).replace(/^\/+/, '');
    const a = req.headers.authorization;
    const status = a === auth(key) ? 200 : a === auth(revoked) ? 403 : 401;
    if (status !== 200) {
      requests.push({ path, status });
      res.writeHead(status, status === 401 ? { 'WWW-Authenticate': 'Basic realm="vsensor"' } : {});
      return res.end();
    }
    const file = join(www, path.replace(/^\.\//, ''));
    if (path.includes('..') || !existsSync(file) || !statSync(file).isFile()) {
      requests.push({ path, status: 404 });
      res.writeHead(404);
      return res.end();
    }
    requests.push({ path, status: 200 });
    const send = () => {
      const body = readFileSync(file);
      res.writeHead(200, { 'Content-Length': body.length, 'Last-Modified': statSync(file).mtime.toUTCString() });
      res.end(body);
    };
    if (file.endsWith('.deb') && repo.debDelayMs > 0) setTimeout(send, repo.debDelayMs);
    else send();
  });
  const port = await new Promise<number>((res) => server.listen(0, '127.0.0.1', () => res((server.address() as net.AddressInfo).port)));

  // tinyproxy with a login, CONNECT to the repository only
  const pport = await freePort();
  const plog = join(dir, 'tinyproxy.log');
  const proxy = { port: pport, user: 'pxuser', password: `px-${key.slice(4, 16)}`, log: plog };
  writeFileSync(join(dir, 'tinyproxy.conf'), [`Port ${pport}`, 'Listen 127.0.0.1', 'Timeout 30', 'MaxClients 8', `ConnectPort ${port}`, `BasicAuth ${proxy.user} ${proxy.password}`, 'LogLevel Connect', `LogFile "${plog}"`, `PidFile "${join(dir, 'tinyproxy.pid')}"`, ''].join('\n'));
  const tp: ChildProcess = spawn('tinyproxy', ['-d', '-c', join(dir, 'tinyproxy.conf')], { stdio: 'ignore' });
  await waitPort(pport);

  Object.assign(repo, {
    dir,
    port,
    key,
    revoked,
    caPem: readFileSync(join(dir, 'srv.pem'), 'utf8'),
    keyring,
    publish,
    requests,
    proxy,
    async stopProxy() {
      if (tp.exitCode !== null || tp.signalCode !== null) return;
      const ended = new Promise((res) => tp.once('exit', res));
      tp.kill('SIGTERM');
      await ended;
    },
    async close() {
      await repo.stopProxy();
      await new Promise<void>((res) => server.close(() => res()));
      server.closeAllConnections();
      rmSync(dir, { recursive: true, force: true });
    },
  });
  return repo;
}

async function waitPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((res) => {
      const s = net.connect(port, '127.0.0.1', () => (s.destroy(), res(true)));
      s.on('error', () => res(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port}`);
}

/** An appliance root whose updates.conf points at the repository (its keyring and CA in the root). */
export function configureRoot(root: string, repo: Repo): void {
  mkdirSync(join(root, 'etc/confconsole'), { recursive: true });
  mkdirSync(join(root, 'usr/share/keyrings'), { recursive: true });
  mkdirSync(join(root, 'etc/ssl'), { recursive: true });
  writeFileSync(join(root, 'usr/share/keyrings/test-repo.gpg'), repo.keyring);
  writeFileSync(join(root, 'etc/ssl/test-repo-ca.pem'), repo.caPem);
  writeFileSync(
    join(root, 'etc/confconsole/updates.conf'),
    `# the test repository on loopback\nurl = https://127.0.0.1:${repo.port}\nsuite = ./\ncomponents =\npackages = ${PKG}\nlogin = ${LOGIN}\nsigned_by = /usr/share/keyrings/test-repo.gpg\nca_info = /etc/ssl/test-repo-ca.pem\n`,
  );
}

/** The host's own packages and their states: what no test may change. */
export const hostPackages = () => execFileSync('dpkg-query', ['-W', '-f', '${Package} ${Version} ${db:Status-Abbrev}\n'], { encoding: 'utf8' });
export const hostDpkgStatus = () => createHash('sha256').update(readFileSync('/var/lib/dpkg/status')).digest('hex');
