import type { z } from 'zod';
import { appInfo } from './app';
import { devicesChanged, devicesGet, devicesList } from './devices';
import { jobsCancel, jobsChanged, jobsList, jobsProgress, jobsStart } from './jobs';
import { firmwareChanged, firmwareGet, firmwareImport, firmwareList, firmwareTrustStore } from './firmware';
import { operationsCancel, operationsChanged, operationsList } from './operations';
import { provisionApply, provisionPlan } from './provision';
import { devicesRetire } from './retire';
import { recipesList } from './recipes';
import { identityCertificate, identityEnroll } from './identity';
import { ledgerChanged, ledgerDeviceHistory, ledgerListEvents } from './ledger';
import { syncEnrollStation, syncNow, syncStatus, syncStatusChanged } from './sync';
import {
  lineApproveCanary,
  lineChanged,
  lineConfigure,
  lineCreateSupervisor,
  lineLogin,
  lineLogout,
  lineRemoveOperator,
  lineResetCounters,
  lineResume,
  lineSetOperator,
  lineStatus,
  lineUnlock,
} from './line';

export * from './define';
export * from './envelope';
export * from './app';
export * from './devices';
export * from './ledger';
export * from './sync';
export * from './jobs';
export * from './firmware';
export * from './operations';
export * from './provision';
export * from './retire';
export * from './recipes';
export * from './identity';
export * from './line';

/** Every command of the contract, by name. Transports refuse any name not listed here. */
export const commands = {
  [appInfo.name]: appInfo,
  [devicesList.name]: devicesList,
  [devicesGet.name]: devicesGet,
  [ledgerListEvents.name]: ledgerListEvents,
  [ledgerDeviceHistory.name]: ledgerDeviceHistory,
  [syncStatus.name]: syncStatus,
  [syncEnrollStation.name]: syncEnrollStation,
  [syncNow.name]: syncNow,
  [jobsStart.name]: jobsStart,
  [jobsCancel.name]: jobsCancel,
  [jobsList.name]: jobsList,
  [firmwareImport.name]: firmwareImport,
  [firmwareList.name]: firmwareList,
  [firmwareGet.name]: firmwareGet,
  [firmwareTrustStore.name]: firmwareTrustStore,
  [operationsList.name]: operationsList,
  [operationsCancel.name]: operationsCancel,
  [provisionPlan.name]: provisionPlan,
  [provisionApply.name]: provisionApply,
  [devicesRetire.name]: devicesRetire,
  [recipesList.name]: recipesList,
  [identityEnroll.name]: identityEnroll,
  [identityCertificate.name]: identityCertificate,
  [lineStatus.name]: lineStatus,
  [lineCreateSupervisor.name]: lineCreateSupervisor,
  [lineLogin.name]: lineLogin,
  [lineLogout.name]: lineLogout,
  [lineUnlock.name]: lineUnlock,
  [lineConfigure.name]: lineConfigure,
  [lineSetOperator.name]: lineSetOperator,
  [lineRemoveOperator.name]: lineRemoveOperator,
  [lineApproveCanary.name]: lineApproveCanary,
  [lineResume.name]: lineResume,
  [lineResetCounters.name]: lineResetCounters,
} as const;

/** Every event of the contract, by name. */
export const events = {
  [devicesChanged.name]: devicesChanged,
  [ledgerChanged.name]: ledgerChanged,
  [syncStatusChanged.name]: syncStatusChanged,
  [jobsProgress.name]: jobsProgress,
  [jobsChanged.name]: jobsChanged,
  [firmwareChanged.name]: firmwareChanged,
  [operationsChanged.name]: operationsChanged,
  [lineChanged.name]: lineChanged,
} as const;

export type Commands = typeof commands;
export type CommandName = keyof Commands;
export type Events = typeof events;
export type EventName = keyof Events;

/** What the caller passes: the schema's input type (defaults may be omitted). */
export type CommandInput<N extends CommandName> = z.input<Commands[N]['input']>;
/** What the handler receives after parsing (defaults filled in). */
export type ParsedCommandInput<N extends CommandName> = z.output<Commands[N]['input']>;
export type CommandOutput<N extends CommandName> = z.output<Commands[N]['output']>;
export type EventPayload<N extends EventName> = z.output<Events[N]['payload']>;

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.hasOwn(commands, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}

/** The bridge the renderer talks to, over Electron IPC or WebSocket alike. */
export interface Bridge {
  invoke<N extends CommandName>(name: N, input?: CommandInput<N>): Promise<CommandOutput<N>>;
  on<N extends EventName>(name: N, listener: (payload: EventPayload<N>) => void): () => void;
}
export * from './wire';
