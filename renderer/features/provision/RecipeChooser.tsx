import { Alert, Badge, Group, Radio, Stack, Text } from '@mantine/core';
import type { Device, RecipeFolder, RecipeSummary } from '../../../shared/contract';
import { useCommand } from '../../bridge';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { LoadingRows } from '../../ui/LoadingRows';
import { recipeFit } from './recipe-fit';

interface RecipeChooserProps {
  device: Pick<Device, 'model'> | null | undefined;
  chosenPath: string | null;
  onChoose: (recipe: RecipeSummary) => void;
}

/**
 * Step 1 of Provision: the station's recipes (`recipes:list`) with name, version and description.
 * One for another model is shown disabled with the reason; a broken one shows its error, so a
 * mistake in a recipe file is seen here rather than as a recipe that silently went missing.
 */
export function RecipeChooser({ device, chosenPath, onChoose }: RecipeChooserProps) {
  const list = useCommand('recipes:list');
  if (list.error !== null) return <ErrorNotice error={list.error} onRetry={list.reload} />;
  if (list.data === undefined) return <LoadingRows label="Loading recipes…" rows={3} />;
  const { recipes, folders } = list.data;
  if (recipes.length === 0) return <NoRecipes folders={folders} />;
  return (
    <Radio.Group
      label="Recipe"
      description="The desired state for this kind of device: firmware, certificate and settings."
      value={chosenPath}
      onChange={(path) => {
        const recipe = recipes.find((candidate) => candidate.path === path);
        if (recipe) onChoose(recipe);
      }}
    >
      <Stack gap="xs" mt="xs">
        {recipes.map((recipe) => (
          <RecipeOption key={recipe.path} recipe={recipe} device={device} />
        ))}
      </Stack>
    </Radio.Group>
  );
}

function RecipeOption({ recipe, device }: { recipe: RecipeSummary; device: Pick<Device, 'model'> | null | undefined }) {
  const fit = recipeFit(recipe, device);
  const title = recipe.name === null ? recipe.path : `${recipe.name} ${recipe.version ?? ''}`.trim();
  return (
    <Stack gap={4} data-recipe-path={recipe.path} data-fits={fit.fits}>
      <Radio
        value={recipe.path}
        disabled={!fit.fits}
        label={
          <Group gap={6}>
            <Text size="sm" fw={500}>
              {title}
            </Text>
            <Badge size="xs" variant="light" color="gray">
              {ORIGIN_LABEL[recipe.origin]}
            </Badge>
          </Group>
        }
        description={
          <>
            {recipe.description !== null && (
              <Text span display="block" size="xs">
                {recipe.description}
              </Text>
            )}
            <Text span display="block" size="xs" c="dimmed" ff="monospace">
              {recipe.path}
            </Text>
            {!fit.fits && recipe.error === null && (
              <Text span display="block" size="xs" c="orange">
                {fit.reason}
              </Text>
            )}
          </>
        }
      />
      {recipe.error !== null && (
        <Alert color="red" variant="light" title="This recipe cannot be used" p="xs">
          <Text size="xs" ff="monospace">
            {recipe.error.message}
          </Text>
        </Alert>
      )}
    </Stack>
  );
}

const ORIGIN_LABEL: Record<RecipeSummary['origin'], string> = {
  'data-dir': 'station',
  environment: 'FIELDLINE_RECIPES',
  shipped: 'example',
};

function NoRecipes({ folders }: { folders: RecipeFolder[] }) {
  const own = folders.find((folder) => folder.origin === 'data-dir');
  return (
    <EmptyState
      headingOrder={3}
      title="No recipes on this station"
      nextStep={`Put a recipe folder (recipe.yaml and its files) in ${own?.path ?? 'the data folder’s recipes folder'}, or name folders in FIELDLINE_RECIPES, then open Provision again.`}
    >
      <Text size="xs" c="dimmed">
        Looked in: {folders.map((folder) => `${folder.path} (${folder.state})`).join(', ')}
      </Text>
    </EmptyState>
  );
}
