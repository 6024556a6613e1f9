import { Button, Group, NumberInput, PasswordInput, Select, Stack, Text, TextInput } from '@mantine/core';
import { useRef, useState, type FormEvent } from 'react';
import type { RecipeSummary, RecipeVariable } from '../../../shared/contract';
import { filledValues, supplierHint, valueProblem } from './recipe-values';

export interface RecipeValues {
  /** Every value the technician typed, secrets included: goes to `provision:*` and nowhere else. */
  values: Record<string, string>;
  hardwareRevision: string;
}

interface RecipeValuesFormProps {
  recipe: RecipeSummary;
  /** The non-secret texts typed so far (kept by the flow, so going back keeps them). */
  texts: Record<string, string>;
  onTextsChange: (texts: Record<string, string>) => void;
  hardwareRevision: string;
  onHardwareRevisionChange: (revision: string) => void;
  isBusy: boolean;
  onSubmit: (values: RecipeValues) => void;
  onBack: () => void;
}

/**
 * Step 2 of Provision: a field per recipe variable, generated from its type (text, number, a choice
 * for `enum`, a password field for a secret), each saying where its value comes from when left empty.
 * Secret fields are uncontrolled: their text is read from the element when the form is sent and is
 * never React state (a controlled input would also write it into the `value` attribute).
 */
export function RecipeValuesForm(props: RecipeValuesFormProps) {
  const { recipe, texts, onTextsChange, hardwareRevision, onHardwareRevisionChange, isBusy, onSubmit, onBack } = props;
  const secretInputs = useRef(new Map<string, HTMLInputElement>());
  const [problems, setProblems] = useState<Record<string, string>>({});

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const all: Record<string, string> = { ...texts };
    for (const variable of recipe.variables) {
      if (variable.isSecret) all[variable.name] = secretInputs.current.get(variable.name)?.value ?? '';
    }
    const found: Record<string, string> = {};
    for (const variable of recipe.variables) {
      const problem = valueProblem(variable, all[variable.name] ?? '');
      if (problem !== null) found[variable.name] = problem;
    }
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    onSubmit({ values: filledValues(all), hardwareRevision });
  };

  const setText = (name: string, text: string): void => onTextsChange({ ...texts, [name]: text });

  return (
    <form onSubmit={submit} aria-label="Recipe values" noValidate>
      <Stack gap="sm">
        {recipe.variables.length === 0 && <Text size="sm">This recipe takes no values.</Text>}
        {recipe.hardwareRevisions.length > 1 && (
          <Select
            label="Hardware revision"
            description="Printed on the board; the device cannot report it."
            data={recipe.hardwareRevisions}
            value={hardwareRevision}
            onChange={(revision) => onHardwareRevisionChange(revision ?? recipe.hardwareRevisions[0] ?? 'A')}
            allowDeselect={false}
          />
        )}
        {recipe.variables.map((variable) =>
          variable.isSecret ? (
            <PasswordInput
              key={variable.name}
              label={variable.name}
              description={describe(variable)}
              required={variable.isRequired}
              error={problems[variable.name]}
              autoComplete="new-password"
              ref={(element) => {
                if (element === null) secretInputs.current.delete(variable.name);
                else secretInputs.current.set(variable.name, element);
              }}
            />
          ) : (
            <VariableField
              key={variable.name}
              variable={variable}
              text={texts[variable.name] ?? ''}
              problem={problems[variable.name]}
              onChange={(text) => setText(variable.name, text)}
            />
          ),
        )}
        <Group justify="space-between">
          <Button variant="default" onClick={onBack} disabled={isBusy}>
            Back to recipes
          </Button>
          <Button type="submit" loading={isBusy}>
            Show plan
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function VariableField({
  variable,
  text,
  problem,
  onChange,
}: {
  variable: RecipeVariable;
  text: string;
  problem: string | undefined;
  onChange: (text: string) => void;
}) {
  const common = { label: variable.name, description: describe(variable), required: variable.isRequired, error: problem };
  if (variable.enum !== null || variable.type === 'boolean') {
    const options = variable.enum?.map(String) ?? ['true', 'false'];
    return <Select {...common} data={options} value={text === '' ? null : text} onChange={(value) => onChange(value ?? '')} clearable={!variable.isRequired} />;
  }
  if (variable.type === 'integer' || variable.type === 'number') {
    return (
      <NumberInput
        {...common}
        value={text}
        onChange={(value) => onChange(String(value))}
        allowDecimal={variable.type === 'number'}
        min={variable.minimum ?? undefined}
        max={variable.maximum ?? undefined}
        placeholder={variable.defaultValue ?? undefined}
      />
    );
  }
  return <TextInput {...common} value={text} onChange={(event) => onChange(event.currentTarget.value)} placeholder={variable.defaultValue ?? undefined} />;
}

function describe(variable: RecipeVariable): string | undefined {
  const parts = [variable.description, supplierHint(variable), limits(variable)].filter((part): part is string => part !== null && part !== '');
  return parts.length === 0 ? undefined : parts.join(' ');
}

function limits(variable: RecipeVariable): string | null {
  if (variable.minimum !== null && variable.maximum !== null) return `${variable.minimum}–${variable.maximum}.`;
  if (variable.minLength !== null && variable.maxLength !== null) return `${variable.minLength}–${variable.maxLength} characters.`;
  if (variable.minLength !== null) return `At least ${variable.minLength} characters.`;
  return null;
}
