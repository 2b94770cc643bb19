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

function firstDirtyPath(value: unknown, path: string): string | null {
  if (typeof value === 'string') return isCleanText(value) ? null : path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = firstDirtyPath(value[i], `${path}.${i}`);
      if (p) return p;
    }
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (!isCleanText(k)) return `${path}.?`;
      const p = firstDirtyPath(v, `${path}.${k}`);
      if (p) return p;
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
          const field = firstDirtyPath(value, name);
          if (field) {
            throw new GraphQLError(`${field} ${PROBLEM}`, {
              extensions: { code: ErrorCode.BAD_USER_INPUT, field, http: { status: 400 } },
            });
          }
        }
      },
    };
  },
};
