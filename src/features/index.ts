// Every feature of the console, each a module of its own (src/features/<area>/): its menu
// fragments, its operations and its commands. The command line is the union of their commands.
import type { Command } from '../commands/types.js';
import * as appliance from './appliance/index.js';
import * as audit from './audit/index.js';
import * as backup from './backup/index.js';
import * as callhome from './callhome/index.js';
import * as health from './health/index.js';
import * as diag from './diag/index.js';
import * as firstboot from './firstboot/index.js';
import * as history from './history/index.js';
import * as master from './master/index.js';
import * as network from './network/index.js';
import * as ntp from './ntp/index.js';
import * as ossensor from './ossensor/index.js';
import * as pcap from './pcap/index.js';
import * as power from './power/index.js';
import * as services from './services/index.js';
import * as topology from './topology/index.js';
import * as updates from './updates/index.js';
import * as traffic from './traffic/index.js';
import { settingsAreas } from './settings.js';
import { settingsCommands } from '../settings/commands.js';

/** Every command, in the order the usage lists them. */
export const commands: Command[] = [
  ...network.commands,
  ...ntp.commands,
  ...services.commands,
  ...power.commands,
  ...appliance.commands,
  ...audit.commands,
  ...history.commands,
  ...backup.commands,
  ...callhome.commands,
  ...topology.commands,
  ...master.commands,
  ...ossensor.commands,
  ...pcap.commands,
  ...health.commands,
  ...diag.commands,
  ...updates.commands,
  ...traffic.commands,
  ...firstboot.commands,
  ...settingsCommands(settingsAreas),
];
