import { useCallback, useRef, useState } from 'react';
import type { ProvisionInput, ProvisionPlan, RecipeSummary } from '../../../shared/contract';
import { toAppError, type AppError } from '../../../shared/errors';
import { useBridge } from '../../bridge';
import { useOperation } from '../operations/use-operation';
import type { RecipeValues } from './RecipeValuesForm';

export type ProvisionStage = 'choose' | 'values' | 'plan' | 'apply';

/**
 * The Provision flow's state: recipe → values → plan → apply (ux.md, "Provision"). The values the
 * technician typed, secrets included, live in a ref: they go into `provision:plan` and
 * `provision:apply` (and a retry of it) and nowhere else, never into React state or the DOM, and are
 * dropped when the flow is closed or goes back to the form.
 */
export function useProvisionFlow(deviceId: string) {
  const bridge = useBridge();
  const [stage, setStage] = useState<ProvisionStage>('choose');
  const [recipe, setRecipe] = useState<RecipeSummary | null>(null);
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [hardwareRevision, setHardwareRevision] = useState('A');
  const [plan, setPlan] = useState<ProvisionPlan | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const input = useRef<ProvisionInput | null>(null);
  const { operation, track, clear } = useOperation();

  const choose = useCallback((chosen: RecipeSummary) => {
    setRecipe(chosen);
    setTexts({});
    setHardwareRevision(chosen.hardwareRevisions[0] ?? 'A');
    setError(null);
  }, []);

  const showPlan = useCallback(
    (values: RecipeValues) => {
      if (recipe === null) return;
      const request: ProvisionInput = { deviceId, recipePath: recipe.path, values: values.values, hardwareRevision: values.hardwareRevision };
      input.current = request;
      setIsBusy(true);
      setError(null);
      bridge.invoke('provision:plan', request).then(
        (answer) => {
          setIsBusy(false);
          setPlan(answer.plan);
          setStage('plan');
        },
        (failure: unknown) => {
          setIsBusy(false);
          setError(toAppError(failure));
        },
      );
    },
    [bridge, deviceId, recipe],
  );

  const apply = useCallback(() => {
    const request = input.current;
    if (request === null) return;
    setIsBusy(true);
    setError(null);
    bridge.invoke('provision:apply', request).then(
      (answer) => {
        setIsBusy(false);
        track(answer.operation);
        setStage('apply');
      },
      (failure: unknown) => {
        setIsBusy(false);
        setError(toAppError(failure));
      },
    );
  }, [bridge, track]);

  const goTo = useCallback(
    (next: 'choose' | 'values') => {
      // Back at the form the secret fields are empty again, so the values sent before are dropped too.
      input.current = null;
      setPlan(null);
      setError(null);
      clear();
      setStage(next);
    },
    [clear],
  );

  const reset = useCallback(() => {
    input.current = null;
    setStage('choose');
    setRecipe(null);
    setTexts({});
    setPlan(null);
    setError(null);
    clear();
  }, [clear]);

  return {
    stage,
    recipe,
    texts,
    setTexts,
    hardwareRevision,
    setHardwareRevision,
    plan,
    error,
    isBusy,
    operation,
    choose,
    next: () => setStage('values'),
    showPlan,
    apply,
    goTo,
    reset,
  };
}
