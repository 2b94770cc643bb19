import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, type ASTNode, type ASTVisitor, type ValidationContext } from 'graphql';
import type { Context } from '../context.js';
import { ErrorCode } from '../errors.js';

/**
 * No text input may carry NUL or other control characters (tab, newline and carriage return
 * aside) or an unpaired UTF-16 surrogate: PostgreSQL rejects NUL in text, a lone surrogate
 * cannot be stored as UTF-8, and neither belongs in a name, a reason or a reference.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const isCleanText = (s: string) => !CONTROL.test(s) && s.isWellFormed();
const PROBLEM = 'must not contain control characters or unpaired surrogates';

/** Where a literal sits: `input.name`, `reason`. */
function fieldOf(ancestors: readonly (ASTNode | readonly ASTNode[])[], parent: ASTNode | readonly ASTNode[] | undefined): string {
  const names: string[] = [];
  for (const a of parent ? [...ancestors, parent] : ancestors) {
    if (!('kind' in a)) continue;
    if (a.kind === Kind.ARGUMENT || a.kind === Kind.OBJECT_FIELD) names.push(a.name.value);
  }
  return names.join('.') || 'argument';
}

/** Literal strings in the document: reported on the value node, so they classify as BAD_USER_INPUT. */
export function cleanTextRule(context: ValidationContext): ASTVisitor {
  return {
    StringValue(node, _key, parent, _path, ancestors) {
      if (!isCleanText(node.value)) context.reportError(new GraphQLError(`${fieldOf(ancestors, parent)} ${PROBLEM}`, { nodes: [node] }));
    },
  };
}

/** No input of this schema nests deeper than a few levels; a deeper variable is refused, not walked. */
const MAX_VARIABLE_DEPTH = 32;

/** The path of the first unclean string, or of a value nested too deep. Iterative: hostile input cannot exhaust the stack. */
function firstDirtyPath(root: unknown, rootPath: string): { path: string; problem: string } | null {
  const todo: [unknown, string, number][] = [[root, rootPath, 0]];
  while (todo.length) {
    const [value, path, depth] = todo.pop()!;
    if (typeof value === 'string') {
      if (!isCleanText(value)) return { path, problem: PROBLEM };
    } else if (value && typeof value === 'object') {
      if (depth >= MAX_VARIABLE_DEPTH) return { path, problem: `nests deeper than ${MAX_VARIABLE_DEPTH} levels` };
      for (const [k, v] of Object.entries(value)) {
        if (!isCleanText(k)) return { path: `${path}.?`, problem: PROBLEM };
        todo.push([v, `${path}.${k}`, depth + 1]);
      }
    }
  }
  return null;
}

/** Variables: checked once the operation is known, answered 400 BAD_USER_INPUT naming the variable path. */
export const cleanTextVariables: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ request }) {
        for (const [name, value] of Object.entries(request.variables ?? {})) {
          const found = firstDirtyPath(value, name);
          if (found) {
            throw new GraphQLError(`${found.path} ${found.problem}`, {
              extensions: { code: ErrorCode.BAD_USER_INPUT, field: found.path, http: { status: 400 } },
            });
          }
        }
      },
    };
  },
};
