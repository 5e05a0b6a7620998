// The osSensor area of the settings document (issue 15): the HMAC key osSensors register with,
// a secret: exported only with --secrets, else described by length and hash prefix.
import { z } from 'zod';
import { Problem } from '../../core/problem.js';
import { hmacToken } from '../../rules/tokens.js';
import { readTextIfExists } from '../../system/files.js';
import { readSettings } from '../../system/settings.js';
import { area, describeSecret, fingerprintKey, isOmitted, secret } from '../../settings/area.js';
import { ossensorSet } from './index.js';

/** `{hmac_key?}`: absent when no key is set (an import without it keeps the key in place). */
export const OssensorSettings = z.lazy(() => z.strictObject({ hmac_key: secret(hmacToken).optional() }));

export const ossensorSettings = area({
  id: 'ossensor',
  title: 'osSensor HMAC key',
  profiles: ['vsensor'],
  secrets: ['hmac_key'],
  schema: OssensorSettings,
  async read(ctx, secrets) {
    if (!(await readSettings(ctx.paths.settingsIni)).ossensor.hmac_set) return {};
    const file = ctx.paths.under('/etc/confconsole/secrets/ossensor_hmac');
    const key = (await readTextIfExists(file))?.replace(/\n$/, '');
    if (key === undefined) throw new Problem(`The osSensor HMAC key is recorded as set, but ${file} is missing: set the key again (Setup > osSensor HMAC)`);
    return { hmac_key: secrets ? key : describeSecret(key, await fingerprintKey(ctx)) };
  },
  async apply(ctx, want, _have, io) {
    // a described key (or none) keeps the one in place: only a value is stored
    if (want.hmac_key === undefined || isOmitted(want.hmac_key)) return { ok: true, summary: 'The osSensor HMAC key is kept.', data: { changed: false } };
    return ossensorSet.apply(ctx, { key: want.hmac_key }, io);
  },
});
