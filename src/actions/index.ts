// The registry: operation ids that menus and commands refer to.
import type { Registry } from '../menu/schema.js';
import { validators } from '../validators.js';
import { applianceInfo, auditView } from './info.js';
import { ntpSet, ntpShow } from './ntp.js';
import { powerReboot, powerShutdown, servicesRestart } from './power.js';
import type { Operation } from './types.js';

export const operations: Record<string, Operation> = {
  'ntp.show': ntpShow,
  'ntp.set': ntpSet,
  'services.restart': servicesRestart,
  'power.reboot': powerReboot,
  'power.shutdown': powerShutdown,
  'appliance.info': applianceInfo,
  'audit.view': auditView,
};

/** Conditions a menu item may be hidden or disabled by (see src/conditions.ts). */
export const conditionNames = ['needs-root', 'demo', 'not-demo'] as const;

export const registry: Registry = { ops: operations, validators, conditions: conditionNames };
