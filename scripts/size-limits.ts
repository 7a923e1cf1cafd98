/**
 * What `npm test` holds the product code to (issue 15): a function a reader takes in at once,
 * a file that holds one subject. Measured with the compiler's own parser, so a function is what
 * TypeScript calls one (declarations, methods, accessors, constructors, function expressions
 * and arrows), nested ones counted on their own as well as inside their parent.
 */
import ts from 'typescript';

export const limits = { functionLines: 80, fileLines: 300 } as const;

export interface Oversize {
  file: string;
  /** 1-based line where the function (or the file) starts. */
  line: number;
  /** The function's name as a reader would search for it, or `(file)`. */
  name: string;
  lines: number;
  limit: number;
}

/** Every function over `limits.functionLines` and the file itself when over `limits.fileLines`. */
export function oversized(file: string, text: string): Oversize[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: Oversize[] = [];
  const fileLines = text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length;
  if (fileLines > limits.fileLines) found.push({ file, line: 1, name: '(file)', lines: fileLines, limit: limits.fileLines });
  const visit = (node: ts.Node): void => {
    if (isFunction(node) && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > limits.functionLines) found.push({ file, line: start + 1, name: nameOf(node, source), lines, limit: limits.functionLines });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function isFunction(node: ts.Node): node is ts.FunctionLikeDeclaration {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isArrowFunction(node)
  );
}

/** `createDeployJob`, `OutboxStore.flush`, or where an unnamed function is handed (`app.command(…) callback`). */
function nameOf(node: ts.FunctionLikeDeclaration, source: ts.SourceFile): string {
  if (ts.isConstructorDeclaration(node)) return `${classNameOf(node)}.constructor`;
  if (node.name) {
    const own = node.name.getText(source);
    return ts.isMethodDeclaration(node) || ts.isAccessor(node) ? `${classNameOf(node)}.${own}` : own;
  }
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) return parent.name.getText(source);
  if (ts.isCallExpression(parent)) return `${parent.expression.getText(source)}(…) callback`;
  return '(anonymous)';
}

function classNameOf(node: ts.Node): string {
  const owner = node.parent;
  if ((ts.isClassDeclaration(owner) || ts.isClassExpression(owner)) && owner.name) return owner.name.text;
  return ts.isObjectLiteralExpression(owner) ? '{…}' : '(class)';
}

/** `src/outbox/outbox-store.ts:1 (file) 336 lines (limit 300)` */
export function describe(o: Oversize): string {
  return `${o.file}:${o.line} ${o.name} ${o.lines} lines (limit ${o.limit})`;
}
