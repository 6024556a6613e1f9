import { Button, Divider, NativeSelect, NumberInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import type { LineSnapshot, RecipeSummary } from '../../../shared/contract';
import { useCommand } from '../../bridge';

interface LockedWorkFormProps {
  line: LineSnapshot;
  onLockRecipe: (recipePath: string, canaryCount: number) => void;
  onLockBundle: (bundlePath: string, canaryCount: number) => void;
}

/**
 * What the line runs on every device: a recipe (flash, enroll, configure, verify) chosen from the
 * station's recipes or by its path, or a bare bundle. A recipe that needs a value only a technician
 * could type is marked here; the station refuses to lock it, naming the variables.
 */
export function LockedWorkForm({ line, onLockRecipe, onLockBundle }: LockedWorkFormProps) {
  const [recipePath, setRecipePath] = useState(line.work?.kind === 'recipe' ? line.work.path : '');
  const [bundlePath, setBundlePath] = useState(line.work?.kind === 'bundle' ? line.work.path : '');
  const [canaryCount, setCanaryCount] = useState<number>(line.canary.count);
  const catalog = useCommand('recipes:list');
  const recipes = (catalog.data?.recipes ?? []).filter((recipe) => recipe.error === null);
  const chosen = recipes.find((recipe) => recipe.path === recipePath.trim()) ?? null;
  const typedOnly = chosen === null ? [] : technicianOnlyVariables(chosen);

  return (
    <Stack gap="xs">
      <Title order={3} size="h5">
        Locked work
      </Title>
      <NativeSelect
        label="Recipe from this station’s list"
        value={chosen?.path ?? ''}
        onChange={(event) => setRecipePath(event.currentTarget.value)}
        data={[{ value: '', label: recipes.length === 0 ? 'No recipes listed' : 'Choose a recipe…' }, ...recipes.map(recipeOption)]}
        description={catalog.error !== null ? 'The recipe list is not available; type the recipe’s path below.' : undefined}
      />
      <TextInput
        label="Recipe file on this station"
        placeholder="/srv/recipes/sensor/recipe.yaml"
        value={recipePath}
        onChange={(event) => setRecipePath(event.currentTarget.value)}
      />
      {typedOnly.length > 0 && (
        <Text size="sm" c="orange.9">
          This recipe needs {typedOnly.join(', ')} typed by a technician; a line has none. Give {typedOnly.length === 1 ? 'it' : 'them'} a column in the device table or a
          site value first.
        </Text>
      )}
      <Button onClick={() => onLockRecipe(recipePath.trim(), canaryCount)} disabled={recipePath.trim() === ''}>
        Lock recipe
      </Button>
      <Divider label="or only flash a bundle" labelPosition="center" />
      <TextInput
        label="Bundle file on this station"
        placeholder="/srv/firmware/sensor-1.4.0.fwb"
        value={bundlePath}
        onChange={(event) => setBundlePath(event.currentTarget.value)}
      />
      <Button variant="default" onClick={() => onLockBundle(bundlePath.trim(), canaryCount)} disabled={bundlePath.trim() === ''}>
        Lock bundle
      </Button>
      <NumberInput label="Canary devices" min={1} max={100} value={canaryCount} onChange={(value) => setCanaryCount(typeof value === 'number' ? value : 3)} />
    </Stack>
  );
}

function recipeOption(recipe: RecipeSummary): { value: string; label: string } {
  const needs = technicianOnlyVariables(recipe);
  const suffix = needs.length > 0 ? ` — needs ${needs.join(', ')} typed` : '';
  const title = [recipe.name ?? recipe.path, recipe.version].filter((part) => part !== null).join(' ');
  return { value: recipe.path, label: `${title}${suffix}` };
}

/** The catalog's own reading: variables nothing but a technician can give (no default, allocator, site value or column). */
function technicianOnlyVariables(recipe: RecipeSummary): string[] {
  return recipe.variables.filter((variable) => variable.isRequired).map((variable) => variable.name);
}
