// Edits of YAML files as text, placed by the files' own structure: the document is parsed only to find where a
// collection ends or a scalar sits, and the new text goes there, so every comment, quote and line of the file stays
// as its authors wrote it (a parse-and-dump would reflow flow sequences and drop blank lines). No markers needed.
import { type Document, isMap, isNode, isPair, isScalar, isSeq, type Node, parseAllDocuments } from 'yaml';

export type PathSegment = string | number;

/** Which document of a multi-document file: its index, or the first that matches. */
export type DocumentPick = number | ((value: unknown) => boolean);

export class YamlEditError extends Error {
  override name = 'YamlEditError';
}

function pickDocument(text: string, pick: DocumentPick = 0): Document.Parsed {
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents)) throw new YamlEditError('not a YAML stream');
  for (const document of documents) {
    if (document.errors.length > 0) throw new YamlEditError(`not valid YAML: ${document.errors[0]?.message}`);
  }
  const found =
    typeof pick === 'number'
      ? documents[pick]
      : documents.find((document) => pick(document.toJS({ maxAliasCount: -1 })));
  if (!found) throw new YamlEditError(`no such document (${typeof pick === 'number' ? `#${pick}` : 'by predicate'})`);
  return found;
}

function nodeAt(document: Document.Parsed, path: readonly PathSegment[]): Node {
  const node = path.length === 0 ? document.contents : document.getIn(path, true);
  if (!node || typeof node !== 'object') throw new YamlEditError(`nothing at ${path.join('.')}`);
  return node as Node;
}

const lineStart = (text: string, offset: number) => text.lastIndexOf('\n', offset - 1) + 1;
/** The offset just after the line that holds `offset - 1` (the last character of a node). */
const afterLine = (text: string, offset: number) => {
  const end = text.indexOf('\n', Math.max(0, offset - 1));
  return end === -1 ? text.length : end + 1;
};
const indent = (snippet: string, spaces: number) =>
  snippet
    .replace(/\n+$/, '')
    .split('\n')
    .map((line) => (line === '' ? '' : ' '.repeat(spaces) + line))
    .join('\n');

export interface InsertOptions {
  document?: DocumentPick;
  /** In a map: the new entry goes right after this key's entry (default: after the last entry). */
  after?: string;
}

/**
 * Adds `item` to the block map or sequence at `path`: a map entry (`key: value`, possibly several lines) or a
 * sequence item (`- value`), written unindented; it takes the collection's indentation. Lines of `item` that are
 * empty stay empty (a leading empty line separates blocks, as compose's services are).
 */
export function insertIntoCollection(
  text: string,
  path: readonly PathSegment[],
  item: string,
  options: InsertOptions = {},
): string {
  const document = pickDocument(text, options.document);
  const node = nodeAt(document, path);
  if (!(isMap(node) || isSeq(node)) || node.flow || !node.range) {
    throw new YamlEditError(`${path.join('.') || 'the document'} is not a block map or sequence`);
  }
  if (node.items.length === 0)
    throw new YamlEditError(`${path.join('.')} is empty: nothing to take the indentation from`);
  let end = node.range[1];
  if (options.after !== undefined) {
    if (!isMap(node)) throw new YamlEditError(`${path.join('.')} is not a map: "after" needs keys`);
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === options.after);
    const last = pair && ((pair.value as Node | null)?.range ?? (pair.key as Node).range);
    if (!last) throw new YamlEditError(`${path.join('.')} has no key ${options.after}`);
    end = last[1];
  }
  const column = node.range[0] - lineStart(text, node.range[0]);
  const at = afterLine(text, end);
  const prefix = at === text.length && !text.endsWith('\n') ? '\n' : '';
  return `${text.slice(0, at)}${prefix}${indent(item, column)}\n${text.slice(at)}`;
}

/** Replaces the scalar at `path` by `value` (written plain: the caller's value must need no quoting). */
export function replaceScalar(
  text: string,
  path: readonly PathSegment[],
  value: string,
  options: { document?: DocumentPick } = {},
): string {
  const node = nodeAt(pickDocument(text, options.document), path);
  if (!isScalar(node) || !node.range) throw new YamlEditError(`${path.join('.')} is not a scalar`);
  return `${text.slice(0, node.range[0])}${value}${text.slice(node.range[1])}`;
}

/** Adds a document at the end of a multi-document file. */
export function appendDocument(text: string, document: string): string {
  return `${text.replace(/\n*$/, '\n')}---\n${document.replace(/^\n+/, '').replace(/\n*$/, '\n')}`;
}

/** The index of the first item of the sequence at `path` that matches, for a path that goes on into it. */
export function indexWhere(
  text: string,
  path: readonly PathSegment[],
  match: (value: unknown) => boolean,
  options: { document?: DocumentPick } = {},
): number {
  const node = nodeAt(pickDocument(text, options.document), path);
  if (!isSeq(node)) throw new YamlEditError(`${path.join('.')} is not a sequence`);
  const index = node.items.findIndex((item) => match((item as Node & { toJSON(): unknown }).toJSON()));
  if (index === -1) throw new YamlEditError(`no item of ${path.join('.')} matches`);
  return index;
}

/** The value at `path` as plain data, to decide what to edit. */
export function valueAt(
  text: string,
  path: readonly PathSegment[],
  options: { document?: DocumentPick } = {},
): unknown {
  const document = pickDocument(text, options.document);
  if (path.length === 0) return document.toJS({ maxAliasCount: -1 });
  const node = document.getIn(path, true);
  return isNode(node) ? node.toJSON() : node;
}
