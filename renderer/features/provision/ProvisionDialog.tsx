import { Alert, Button, Group, Modal, Stack, Stepper, Text } from '@mantine/core';
import type { Device } from '../../../shared/contract';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { OperationSteps } from '../operations/OperationSteps';
import { PlanSummary } from './PlanSummary';
import { ProvisionResult } from './ProvisionResult';
import { RecipeChooser } from './RecipeChooser';
import { recipeFit } from './recipe-fit';
import { RecipeValuesForm } from './RecipeValuesForm';
import { useProvisionFlow, type ProvisionStage } from './use-provision-flow';

const STEP_INDEX: Record<ProvisionStage, number> = { choose: 0, values: 0, plan: 1, apply: 2 };

interface ProvisionDialogProps {
  opened: boolean;
  onClose: () => void;
  deviceId: string;
  device: Device | null | undefined;
}

/**
 * Provision a device to a recipe (ux.md, "Provision"): choose the recipe and type its values → read
 * the plan → apply, following each step live, with the failed step, the reason and "Try again" on
 * failure, and the evidence on success.
 */
export function ProvisionDialog({ opened, onClose, deviceId, device }: ProvisionDialogProps) {
  const flow = useProvisionFlow(deviceId);
  const label = device?.serial ?? deviceId;
  const isRunning = flow.operation !== null && (flow.operation.state === 'running' || flow.operation.state === 'queued');
  const close = (): void => {
    // A running provision keeps going in the core; reopening the dialog shows it again.
    if (!isRunning) flow.reset();
    onClose();
  };

  return (
    <Modal opened={opened} onClose={close} title={`Provision ${label}`} size="xl" closeOnClickOutside={!isRunning}>
      <Stack gap="md">
        <Stepper active={STEP_INDEX[flow.stage]} size="xs" allowNextStepsSelect={false}>
          <Stepper.Step label="Recipe and values" />
          <Stepper.Step label="Plan" />
          <Stepper.Step label="Apply" />
        </Stepper>

        {flow.stage === 'choose' && (
          <>
            <RecipeChooser device={device} chosenPath={flow.recipe?.path ?? null} onChoose={flow.choose} />
            <Group justify="flex-end">
              <Button onClick={flow.next} disabled={flow.recipe === null || !recipeFit(flow.recipe, device).fits}>
                Next: values
              </Button>
            </Group>
          </>
        )}

        {flow.stage === 'values' && flow.recipe !== null && (
          <>
            <Text size="sm">
              {flow.recipe.name} {flow.recipe.version} for {label}
            </Text>
            {flow.error !== null && <ErrorNotice error={flow.error} />}
            <RecipeValuesForm
              recipe={flow.recipe}
              texts={flow.texts}
              onTextsChange={flow.setTexts}
              hardwareRevision={flow.hardwareRevision}
              onHardwareRevisionChange={flow.setHardwareRevision}
              isBusy={flow.isBusy}
              onSubmit={flow.showPlan}
              onBack={() => flow.goTo('choose')}
            />
          </>
        )}

        {flow.stage === 'plan' && flow.plan !== null && (
          <>
            <Text size="sm">Nothing has been written yet. This is what applying the recipe to {label} will do:</Text>
            <PlanSummary plan={flow.plan} />
            {flow.error !== null && <ErrorNotice error={flow.error} onRetry={flow.apply} />}
            <Group justify="space-between">
              <Button variant="default" onClick={() => flow.goTo('values')} disabled={flow.isBusy}>
                Change values
              </Button>
              <Button onClick={flow.apply} loading={flow.isBusy}>
                {flow.plan.isUpToDate ? 'Apply (verify only)' : 'Apply'}
              </Button>
            </Group>
          </>
        )}

        {flow.stage === 'apply' && flow.operation !== null && (
          <Stack gap="sm" data-operation-id={flow.operation.id} data-operation-state={flow.operation.state}>
            <OperationSteps operation={flow.operation} onRetry={flow.apply} />
            {flow.error !== null && <ErrorNotice error={flow.error} onRetry={flow.apply} />}
            {flow.operation.state === 'succeeded' && <ProvisionResult operation={flow.operation} onShowHistory={close} />}
            {(flow.operation.state === 'failed' || flow.operation.state === 'cancelled') && (
              <Alert color="gray" variant="light" p="xs">
                <Text size="sm">
                  Steps already done stay done: applying again reads the device first and takes only the steps still needed.
                </Text>
              </Alert>
            )}
            <Group justify="flex-end">
              {(flow.operation.state === 'failed' || flow.operation.state === 'cancelled') && (
                <Button variant="default" onClick={() => flow.goTo('values')}>
                  Change values
                </Button>
              )}
              <Button variant={isRunning ? 'default' : 'filled'} onClick={close}>
                {isRunning ? 'Hide (keeps running)' : 'Close'}
              </Button>
            </Group>
          </Stack>
        )}
      </Stack>
    </Modal>
  );
}
