// The installed executable's first stage (src/sea1.ts, src/firststart.ts) writes a first frame only for a start it
// knows exactly: the console's command line (--root, --demo), and an appliance.ini it can read
// plainly. Anything else goes to the console itself.
import { describe, expect, it } from 'vitest';
import { applianceOf, consoleArgs } from '../../src/firststart.js';

describe('first stage: which starts it draws', () => {
  it('the console with --root and --demo, each once', () => {
    expect(consoleArgs([])).toEqual({ demo: false });
    expect(consoleArgs(['--demo'])).toEqual({ demo: true });
    expect(consoleArgs(['--root', '/tmp/r', '--demo'])).toEqual({ root: '/tmp/r', demo: true });
    expect(consoleArgs(['--demo', '--root', '/srv/a'])).toEqual({ root: '/srv/a', demo: true });
  });

  it('not a command, help, another option, a repeated or valueless one', () => {
    for (const a of [['ntp', 'show'], ['--help'], ['--version'], ['-c', 'ntp show'], ['--profile', 'vsensor'], ['--demo', '--demo'], ['--root'], ['--root', '--demo'], ['--root', ''], ['--root=/x']])
      expect(consoleArgs(a)).toBeUndefined();
  });

  it('reads the [appliance] profile and demo flag of a plain appliance.ini', () => {
    expect(applianceOf('[appliance]\nprofile = vsensor\n')).toEqual({ profile: 'vsensor', demo: false });
    expect(applianceOf('# x\n[network]\nprofile = vsensor\n[appliance]\ndemo = true\n')).toEqual({ profile: 'appliance', demo: true });
    expect(applianceOf('')).toEqual({ profile: 'appliance', demo: false });
  });

  it('leaves to the console an ini it cannot read exactly: other values, odd lines, non-ASCII', () => {
    for (const t of ['[appliance]\nprofile = "vsensor"\n', '[appliance]\nprofile = probe\n', '[appliance]\ndemo = yes\n', 'garbage line\n', '[appliance]\nprofile = vsensor\u00e9\n', '\u0000'])
      expect(applianceOf(t)).toBeUndefined();
  });
});
