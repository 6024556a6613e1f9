import type { CommandHandlers } from '../command-handlers';
import type { LineService } from './line-service';

type LineCommandName =
  | 'line:status'
  | 'line:create-supervisor'
  | 'line:login'
  | 'line:logout'
  | 'line:unlock'
  | 'line:configure'
  | 'line:set-operator'
  | 'line:remove-operator'
  | 'line:approve-canary'
  | 'line:resume'
  | 'line:reset-counters';

/** The `line:*` commands of the contract, on a LineService. */
export function lineHandlers(line: LineService): Pick<CommandHandlers, LineCommandName> {
  return {
    'line:status': () => line.snapshot(),
    'line:create-supervisor': ({ name, pin }) => line.createFirstSupervisor(name, pin),
    'line:login': ({ operatorId, pin }) => line.login(operatorId, pin),
    'line:logout': () => line.logout(),
    'line:unlock': async ({ supervisorPin }) => ({ supervisor: await line.unlock(supervisorPin) }),
    'line:configure': (input) => line.configure(input),
    'line:set-operator': (input) => line.setOperator(input),
    'line:remove-operator': (input) => line.removeOperator(input),
    'line:approve-canary': ({ supervisorPin }) => line.approveCanary(supervisorPin),
    'line:resume': ({ supervisorPin }) => line.resume(supervisorPin),
    'line:reset-counters': ({ supervisorPin }) => line.resetCounters(supervisorPin),
  };
}
