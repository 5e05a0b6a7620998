// The registry: operation ids that menus and commands refer to.
import type { Registry } from '../menu/schema.js';
import '../net.js'; // registers the network field validators
import { validators } from '../validators.js';
import { applianceInfo, auditView } from './info.js';
import { ntpSet, ntpShow } from './ntp.js';
import { powerReboot, powerShutdown, servicesRestart } from './power.js';
import { masterPull, masterPush, masterPushToken, masterShow } from './master.js';
import { ossensorSet, ossensorShow } from './ossensor.js';
import { describePcap, pcapSet, pcapShow, pcapSize } from './pcap.js';
import {
  networkCapture, networkConfirm, networkDhcp, networkFactory, networkIface, networkInterfaces,
  networkPending, networkRestoreConfirmed, networkRollback, networkSet, rollbackNotice,
} from './network.js';
import { readSettings } from '../system/settings.js';
import {
  callhomeClearCache, callhomeConfig, callhomeDefault, callhomeShow, callhomeStatus, callhomeToggle,
  callhomePubkey, partnerDisable, partnerSet, partnerShow,
} from './callhome.js';
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
  'network.interfaces': networkInterfaces,
  'network.iface': networkIface,
  'network.set': networkSet,
  'network.capture': networkCapture,
  'network.dhcp': networkDhcp,
  'network.factory': networkFactory,
  'network.restore-confirmed': networkRestoreConfirmed,
  'network.confirm': networkConfirm,
  'network.pending': networkPending,
  'network.rollback': networkRollback,
  'callhome.show': callhomeShow,
  'callhome.status': callhomeStatus,
  'callhome.toggle': callhomeToggle,
  'callhome.config': callhomeConfig,
  'callhome.default': callhomeDefault,
  'callhome.clear-cache': callhomeClearCache,
  'partner.show': partnerShow,
  'callhome.pubkey': callhomePubkey,
  'partner.set': partnerSet,
  'partner.disable': partnerDisable,
  // what the welcome screens add: rollbacks since the last login (and the vSensor's capture)
  'appliance.welcome': {
    async show(ctx) {
      return { kind: 'text', text: await rollbackNotice(ctx) };
    },
  },
  'vsensor.welcome': {
    async show(ctx) {
      const pcap = describePcap(pcapSize(await readSettings(ctx.paths.settingsIni)));
      const notice = await rollbackNotice(ctx);
      return { kind: 'text', text: notice ? `${pcap}\n\n${notice}` : pcap };
    },
  },
};

/** Conditions a menu item may be hidden or disabled by (see src/conditions.ts). */
export const conditionNames = ['needs-root', 'demo', 'not-demo'] as const;

export const registry: Registry = { ops: operations, validators, conditions: conditionNames };
