// The Healthcheck's rows as the manual prints them, and its verdict line.
import { describe, expect, it } from 'vitest';
import { healthLines, healthNote, healthSummary, HealthResult } from '../../src/features/health/index.js';

describe('Healthcheck rows', () => {
  it('prints each row as the manual: "name : [LEVEL]", then its details', () => {
    expect(
      healthLines([
        { name: 'all_services', level: 'ok', details: [] },
        { name: 'incoming_data', level: 'warning', details: ['No incoming packets seen on device bond0'] },
        { name: 'last_software_update', level: 'error', details: ['Software updates not enabled - set updatekey in confconsole'] },
      ]),
    ).toEqual(['all_services : [OK]', 'incoming_data : [WARNING]', 'No incoming packets seen on device bond0', 'last_software_update : [ERROR]', 'Software updates not enabled - set updatekey in confconsole']);
  });

  it('says the counts only when something is wrong, singular and plural', () => {
    expect(healthSummary({ errors: 0, warnings: 0 })).toBe('Healthcheck results');
    expect(healthSummary({ errors: 1, warnings: 0 })).toBe('Healthcheck results: 1 error');
    expect(healthSummary({ errors: 2, warnings: 1 })).toBe('Healthcheck results: 2 errors, 1 warning');
    expect(healthSummary({ errors: 0, warnings: 3 })).toBe('Healthcheck results: 3 warnings');
  });

  it('the progress line names only the rows of this console and role (no master nor osSensors on a master appliance)', () => {
    expect(healthNote('appliance', 'master')).toBe('Checking services, incoming data, updates and AppArmor');
    expect(healthNote('appliance', 'probe')).toBe('Checking services, master, incoming data, updates and AppArmor');
    expect(healthNote('vsensor', 'master')).toBe('Checking services, master, incoming data, updates, osSensors and AppArmor');
  });

  it('refuses a result whose level is not one of the three', () => {
    expect(HealthResult.safeParse({ ok: true, profile: 'vsensor', errors: 0, warnings: 0, rows: [{ name: 'x', level: 'fine', details: [] }] }).success).toBe(false);
  });
});
