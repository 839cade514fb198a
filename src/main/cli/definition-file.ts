import { readFileSync } from 'node:fs';
import { load, YAMLException } from 'js-yaml';

/** A scheduler file that cannot be read or is not one YAML/JSON document of an object. */
export class DefinitionFileError extends Error {
  override readonly name = 'DefinitionFileError';
}

/**
 * Reads a scheduler definition in Maestro's shape from a YAML or JSON file (`-` is stdin). YAML's
 * JSON subset means one parser reads both; errors name the file, line and column.
 */
export function readDefinitionFile(path: string, stdin: () => string): Record<string, unknown> {
  let text: string;
  try {
    text = path === '-' ? stdin() : readFileSync(path, 'utf8');
  } catch (error) {
    throw new DefinitionFileError(`${path}: ${(error as Error).message}`, { cause: error });
  }
  let document: unknown;
  try {
    document = load(text, { filename: path });
  } catch (error) {
    if (error instanceof YAMLException) {
      throw new DefinitionFileError(`${path}: ${error.message}`, { cause: error });
    }
    throw error;
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new DefinitionFileError(
      `${path}: must hold one scheduler (a mapping), not ${kind(document)}`,
    );
  }
  return document as Record<string, unknown>;
}

const kind = (value: unknown) =>
  value === null || value === undefined
    ? 'nothing'
    : Array.isArray(value)
      ? 'a list'
      : `a ${typeof value}`;
