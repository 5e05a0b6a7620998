// The registry: operation ids that menus and commands refer to.
import type { Registry } from '../menu/schema.js';
import { validators } from '../validators.js';
import { applianceInfo, auditView } from './info.js';
import { ntpSet, ntpShow } from './ntp.js';
import { powerReboot, powerShutdown, servicesRestart } from './power.js';
import { masterPull, masterPush, masterPushToken, masterShow } from './master.js';
import { ossensorSet, ossensorShow } from './ossensor.js';
import { pcapSet, pcapShow } from './pcap.js';
import type { Operation } from './types.js';

export const operations: Record<string, Operation> = {
  'ntp.show': ntpShow,
  'ntp.set': ntpSet,
  'services.restart': servicesRestart,
  'power.reboot': powerReboot,
  'power.shutdown': powerShutdown,
  'appliance.info': applianceInfo,
  'audit.view': auditView,
  'master.show': masterShow,
  'master.push-token': masterPushToken,
  'master.pull': masterPull,
  'master.push': masterPush,
  'ossensor.show': ossensorShow,
  'ossensor.set': ossensorSet,
  'pcap.show': pcapShow,
  'pcap.set': pcapSet,
};

/** Conditions a menu item may be hidden or disabled by (see src/conditions.ts). */
export const conditionNames = ['needs-root', 'demo', 'not-demo'] as const;

export const registry: Registry = { ops: operations, validators, conditions: conditionNames };
