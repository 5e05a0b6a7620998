// `confconsole -c "COMMAND"` (the console user's login shell asked to run a command over SSH):
// exactly one read-only console command runs; anything else is refused in one line.
import { describe, expect, it } from 'vitest';
import { commands } from '../../src/features/index.js';
import { allowedRemote, restrictedCommand } from '../../src/login.js';

describe('confconsole -c: the allow-list of the console user', () => {
  it.each([
    ['ntp show', ['ntp', 'show']],
    ['  audit   show  --json ', ['audit', 'show', '--json']],
    ['network show --json', ['network', 'show', '--json']],
    ['ntp show --help', ['ntp', 'show', '--help']],
    ['--help', ['--help']],
  ])('runs %j as the words %j', (line, words) => {
    expect(restrictedCommand(line, commands)).toEqual({ words });
  });

  it.each([
    ['scp -t /tmp/x', /not a console command|Unknown option/],
    ['scp -f /etc/shadow', /not a console command|Unknown option/],
    ['/usr/lib/openssh/sftp-server', /unknown command/],
    ['internal-sftp', /unknown command/],
    ['sh -c id', /not a console command|Unknown option|unknown command/],
    ['id', /unknown command/],
    ['ntp show; id', /not a console command/],
    ['ntp show && id', /not a console command/],
    ['ntp show $(id)', /not a console command/],
    ['ntp show `id`', /not a console command/],
    ['ntp show | sh', /not a console command/],
    ['ntp set 192.0.2.1', /changes the appliance/],
    ['pcap set 100', /changes the appliance/],
    ['ntp show --root /tmp/x', /--root is not taken here/],
    ['ntp show --demo', /--demo is not taken here/],
    ['ntp show --profile vsensor', /--profile is not taken here/],
    ['', /no command given/],
    ['ntp', /not a console command/],
  ])('refuses %j in one line naming why', (line, why) => {
    const r = restrictedCommand(line, commands);
    expect(r).toHaveProperty('refused');
    const text = (r as { refused: string }).refused;
    expect(text).toMatch(why);
    expect(text).toMatch(/^confconsole: refused: /);
    expect(text).not.toContain('\n');
  });

  it('a value echoed back is escaped, never raw control characters', () => {
    const r = restrictedCommand('ntp show\x1b[2J', commands) as { refused: string };
    expect(r.refused).not.toContain('\x1b');
  });

  it('the allow-list is the commands that change nothing (show, status, test ...), none that writes', () => {
    const names = allowedRemote(commands).map((c) => c.path.join(' '));
    expect(names).toContain('ntp show');
    expect(names).toContain('audit show');
    for (const n of names) expect(n).not.toMatch(/ set\b|restart|trust|restore/);
  });
});
