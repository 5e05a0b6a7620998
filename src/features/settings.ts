// Every area of the settings document (issue 15), each declared by its feature
// (src/features/<area>/settings.ts). Export, import and their commands are derived from this list.
import type { SettingsArea } from '../settings/area.js';
import { backupSettings } from './backup/settings.js';
import { callhomeSettings } from './callhome/settings.js';
import { masterSettings } from './master/settings.js';
import { topologySettings } from './topology/settings.js';
import { ntpSettings } from './ntp/settings.js';
import { ossensorSettings } from './ossensor/settings.js';
import { pcapSettings } from './pcap/settings.js';
import { updatesSettings } from './updates/settings.js';
import { keyboardSettings } from './firstboot/settings.js';
import { networkSettings } from './network/settings.js';

/** The areas in document order (an area marked `last` is applied after the others). */
export const settingsAreas: readonly SettingsArea[] = [ntpSettings, callhomeSettings, topologySettings, masterSettings, ossensorSettings, pcapSettings, updatesSettings, keyboardSettings, backupSettings, networkSettings];
