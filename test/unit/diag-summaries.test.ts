// The Diagnostic Functions' one-line results: the host or name the operator typed appears as
// typed, even after the screen capitalises a summary's first letter (src/flow/view.ts).
import { describe, expect, it } from 'vitest';
import { socketsShown, summaries } from '../../src/features/diag/index.js';

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

describe('diag summaries keep the typed host or name', () => {
  it.each(['callhome.example', 'master-1.lan', 'x.example.org'])('%s', (name) => {
    const said = [
      summaries.ping({ host: name, sent: 2, received: 2, loss: 0, rtt: { min: 1, avg: 1, max: 1 } } as Parameters<typeof summaries.ping>[0]),
      summaries.traceroute({ host: name, reached: true, hops: [{ hop: 1, address: '192.0.2.1', ms: 1 }] } as Parameters<typeof summaries.traceroute>[0]),
      summaries.dns({ name, servers: [{ server: '192.0.2.1', from: 'resolv.conf', answered: true, status: { A: 'NOERROR' }, addresses: ['198.51.100.20'] }, { server: '192.0.2.53', from: 'netplan (eth0)', answered: false, status: {}, addresses: [] }] }),
    ];
    for (const s of said) expect(capitalised(s)).toContain(` ${name}`);
    expect(said[2]).toMatch(/answered by 192\.0\.2\.1 \(resolv\.conf\); .*no answer from 192\.0\.2\.53 \(netplan \(eth0\)\)/);
  });
});

describe('the sockets table', () => {
  const sock = (state: string, local: string) => ({ proto: 'tcp', state, recvq: '0', sendq: '0', local, peer: '*:*', process: '' });
  it('none at all is said in words', () => {
    const s = socketsShown({ sockets: [], more: 0 });
    expect(s).toMatchObject({ kind: 'table', rows: [], text: expect.stringMatching(/^No open connections and no listening ports/) });
  });
  it('listening first; more than shown is counted', () => {
    const s = socketsShown({ sockets: [sock('ESTAB', '192.0.2.10:22'), sock('LISTEN', '0.0.0.0:22')], more: 3 });
    expect(s).toMatchObject({ text: '(3 more not shown)', rows: [['tcp', 'LISTEN', '0.0.0.0:22', '*:*', ''], ['tcp', 'ESTAB', '192.0.2.10:22', '*:*', '']] });
    expect(socketsShown({ sockets: [sock('LISTEN', '[::]:443')], more: 0 })).not.toHaveProperty('text');
  });
});
