// A local test master for test_master.sh, all on loopback: a test CA made with openssl, an
// HTTPS master that accepts one push token, a second one whose certificate names another host,
// masters with self-signed certificates (valid, whose certificate can be replaced, expired, for
// another name), a TCP server that accepts and never answers, a closed port, and a minimal HTTP
// CONNECT proxy that only passes connections to 127.0.0.1 and records each CONNECT target.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface MasterRequest {
  method: string;
  url: string;
  authorization: string | undefined;
}

export interface MasterFixture {
  dir: string;
  /** PEM of the test CA (copy it to ROOT/etc/confconsole/master-ca.pem) */
  caPem: string;
  caFile: string;
  /** the one push token the master accepts (label:secret) */
  token: string;
  label: string;
  /** the master: certificate for DNS:localhost and IP:127.0.0.1 */
  port: number;
  /** a master whose certificate names only wrong.example */
  wrongNamePort: number;
  /** masters with self-signed certificates, each accepting the push token */
  selfSigned: SelfSigned;
  /** …one that expired in 2020 */
  expired: SelfSigned;
  /** …one issued for wrong.example only */
  selfWrongName: SelfSigned;
  /** the master at selfSigned.port presents another self-signed certificate from now on */
  replaceSelfSigned(): void;
  /** accepts TCP connections and never sends a byte */
  silentPort: number;
  /** nothing listens here */
  closedPort: number;
  /** the HTTP CONNECT proxy */
  proxyPort: number;
  /** requests the master saw, oldest first */
  requests: MasterRequest[];
  /** CONNECT targets the proxy saw, oldest first */
  connects: string[];
  /** the master answers after this many ms (tests that sample /proc want a slow one) */
  delayMs: number;
  close(): Promise<void>;
}

export interface SelfSigned {
  port: number;
  /** its certificate's SHA-256 fingerprint as openssl prints it (AA:BB:...) */
  sha256: string;
  subject: string;
}

/** A long random token secret of [A-Za-z0-9_-] (base64url). */
export const randomSecret = (bytes = 36) => randomBytes(bytes).toString('base64url');
/** A long random alphanumeric HMAC (5-63 letters and digits). */
export const randomHmac = (len = 48) => {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(len), (b) => abc[b % abc.length]).join('');
};

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** The test CA and two server certificates (EC P-256: fast to make). */
function makeCerts(dir: string) {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(dir, ['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=confconsole system-test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  const leaf = (name: string, cn: string, san: string) => {
    writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n`);
    openssl(dir, ['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
    openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2',
      '-extfile', `${name}.ext`, '-out', `${name}.pem`]);
    return { key: readFileSync(join(dir, `${name}.key`)), cert: readFileSync(join(dir, `${name}.pem`)) };
  };
  return {
    ca: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    good: leaf('master', 'localhost', 'DNS:localhost,IP:127.0.0.1'),
    wrong: leaf('wrong', 'wrong.example', 'DNS:wrong.example'),
  };
}

/**
 * A self-signed certificate (EC P-256) for CN with SAN; `expired`: valid only in January 2020
 * (openssl ca sets the dates, which req -x509 cannot put in the past).
 */
function selfSignedCert(dir: string, name: string, cn: string, san: string, expired = false) {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const ext = ['-addext', `subjectAltName=${san}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,digitalSignature,keyCertSign'];
  if (!expired) openssl(dir, ['req', '-x509', ...ec, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${cn}`, ...ext]);
  else {
    const db = join(dir, `${name}-db`);
    execFileSync('mkdir', ['-p', db]);
    writeFileSync(join(db, 'index.txt'), '');
    writeFileSync(join(db, 'serial'), '01\n');
    writeFileSync(join(dir, `${name}.cnf`), `[ca]\ndefault_ca = d\n[d]\ndatabase = ${db}/index.txt\nnew_certs_dir = ${db}\nserial = ${db}/serial\ndefault_md = sha256\npolicy = p\ncopy_extensions = copy\nunique_subject = no\n[p]\ncommonName = supplied\n`);
    openssl(dir, ['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`, ...ext]);
    openssl(dir, ['ca', '-batch', '-config', `${name}.cnf`, '-selfsign', '-keyfile', `${name}.key`, '-in', `${name}.csr`, '-out', `${name}.pem`,
      '-startdate', '20200101000000Z', '-enddate', '20200201000000Z', '-notext']);
  }
  const fp = execFileSync('openssl', ['x509', '-in', join(dir, `${name}.pem`), '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' });
  return { key: readFileSync(join(dir, `${name}.key`)), cert: readFileSync(join(dir, `${name}.pem`)), sha256: fp.trim().replace(/^.*=/, ''), subject: `CN=${cn}` };
}

const listen = (srv: net.Server) =>
  new Promise<number>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => resolve((srv.address() as net.AddressInfo).port));
  });

/** A TCP port on 127.0.0.1 where nothing listens (bound, then closed). */
export async function closedTcpPort(): Promise<number> {
  const s = net.createServer();
  const port = await listen(s);
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export async function startMaster(): Promise<MasterFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'cc-master-'));
  const certs = makeCerts(dir);
  const label = 'cc-test';
  const token = `${label}:${randomSecret()}`;
  const sockets = new Set<net.Socket>();
  const track = (srv: net.Server) => srv.on('connection', (s: net.Socket) => (sockets.add(s), s.on('close', () => sockets.delete(s))));

  const fx: MasterFixture = {
    dir,
    caPem: certs.ca,
    caFile: join(dir, 'ca.pem'),
    token,
    label,
    port: 0,
    wrongNamePort: 0,
    selfSigned: { port: 0, sha256: '', subject: '' },
    expired: { port: 0, sha256: '', subject: '' },
    selfWrongName: { port: 0, sha256: '', subject: '' },
    replaceSelfSigned: () => undefined,
    silentPort: 0,
    closedPort: 0,
    proxyPort: 0,
    requests: [],
    connects: [],
    delayMs: 0,
    close: async () => undefined,
  };

  const answer = (req: http.IncomingMessage, res: http.ServerResponse) => {
    fx.requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    const ok = req.headers.authorization === `Bearer ${token}`;
    setTimeout(() => {
      res.writeHead(ok ? 200 : 401, { 'content-type': 'text/plain' });
      res.end(ok ? 'welcome, vSensor\n' : 'unknown push token\n');
    }, fx.delayMs);
  };
  const master = https.createServer({ key: certs.good.key, cert: certs.good.cert }, answer);
  const local = 'DNS:localhost,IP:127.0.0.1';
  const self = selfSignedCert(dir, 'self', 'localhost', local);
  const self2 = selfSignedCert(dir, 'self2', 'localhost', local);
  const old = selfSignedCert(dir, 'expired', 'localhost', local, true);
  const selfWrong = selfSignedCert(dir, 'self-wrong', 'wrong.example', 'DNS:wrong.example');
  const selfSrv = https.createServer({ key: self.key, cert: self.cert }, answer);
  const oldSrv = https.createServer({ key: old.key, cert: old.cert }, answer);
  const selfWrongSrv = https.createServer({ key: selfWrong.key, cert: selfWrong.cert }, answer);
  fx.replaceSelfSigned = () => {
    selfSrv.setSecureContext({ key: self2.key, cert: self2.cert });
    fx.selfSigned = { ...fx.selfSigned, sha256: self2.sha256 };
  };
  const wrong = https.createServer({ key: certs.wrong.key, cert: certs.wrong.cert }, (_req, res) => {
    res.writeHead(200);
    res.end('wrong host\n');
  });
  const silent = net.createServer(() => {
    /* accepts and never answers */
  });
  const proxy = http.createServer((_req, res) => {
    res.writeHead(405, { 'content-type': 'text/plain' });
    res.end('CONNECT only\n');
  });
  proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const target = req.url ?? '';
    fx.connects.push(target);
    client.on('error', () => undefined);
    const m = /^127\.0\.0\.1:(\d{1,5})$/.exec(target);
    if (!m) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = net.connect(Number(m[1]), '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
    client.on('close', () => upstream.destroy());
  });

  const servers: net.Server[] = [master, wrong, silent, proxy, selfSrv, oldSrv, selfWrongSrv];
  servers.forEach(track);
  fx.port = await listen(master);
  fx.selfSigned = { port: await listen(selfSrv), sha256: self.sha256, subject: self.subject };
  fx.expired = { port: await listen(oldSrv), sha256: old.sha256, subject: old.subject };
  fx.selfWrongName = { port: await listen(selfWrongSrv), sha256: selfWrong.sha256, subject: selfWrong.subject };
  fx.wrongNamePort = await listen(wrong);
  fx.silentPort = await listen(silent);
  fx.proxyPort = await listen(proxy);
  fx.closedPort = await closedTcpPort();

  fx.close = async () => {
    for (const s of sockets) s.destroy();
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    rmSync(dir, { recursive: true, force: true });
  };
  return fx;
}
