import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Node, type Document } from 'yaml';
import { UserError } from './errors.js';

/** A parsed YAML file that can point at the line of any node for error messages. */
export class YamlFile {
  private constructor(
    readonly file: string,
    readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  static parse(file: string, text: string): YamlFile {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
    const first = doc.errors[0];
    if (first) {
      const line = first.linePos?.[0]?.line ?? lines.linePos(first.pos[0]).line;
      const msg = first.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '');
      throw new UserError(`${file}:${line}: invalid YAML: ${msg}`);
    }
    return new YamlFile(file, doc, lines);
  }

  lineOf(node: Node | null | undefined): number {
    const start = node?.range?.[0] ?? 0;
    return this.lines.linePos(start).line;
  }

  fail(node: Node | null | undefined, message: string): never {
    throw new UserError(`${this.file}:${this.lineOf(node)}: ${message}`);
  }

  warning(node: Node | null | undefined, message: string): string {
    return `${this.file}:${this.lineOf(node)}: ${message}`;
  }

  /** The top-level mapping's entries as [key, value node] pairs. */
  topMap(): Array<[string, Node | null, Node | null]> {
    const root = this.doc.contents;
    if (!isMap(root)) this.fail(root, 'expected a mapping of keys at the top level');
    return root.items.map((pair) => {
      const key = pair.key as Node | null;
      if (!isScalar(key) || typeof key.value !== 'string') this.fail(key, 'keys must be plain strings');
      return [key.value as string, key, pair.value as Node | null];
    });
  }

  string(node: Node | null, what: string): string {
    if (!isScalar(node) || node.value === null || typeof node.value === 'object') this.fail(node, `${what} must be a string`);
    const v = node.value;
    if (typeof v === 'boolean') this.fail(node, `${what} must be a string, not a boolean`);
    return String(v);
  }

  boolean(node: Node | null, what: string): boolean {
    if (!isScalar(node) || typeof node.value !== 'boolean') this.fail(node, `${what} must be true or false`);
    return node.value as boolean;
  }

  stringList(node: Node | null, what: string): Array<{ value: string; node: Node | null }> {
    if (!isSeq(node)) this.fail(node, `${what} must be a list`);
    return node.items.map((item) => ({ value: this.string(item as Node, `each entry of ${what}`), node: item as Node }));
  }

  seq(node: Node | null, what: string): Array<Node | null> {
    if (!isSeq(node)) this.fail(node, `${what} must be a list`);
    return node.items as Array<Node | null>;
  }

  map(node: Node | null, what: string): Array<[string, Node | null, Node | null]> {
    if (!isMap(node)) this.fail(node, `${what} must be a mapping`);
    return node.items.map((pair) => {
      const key = pair.key as Node | null;
      if (!isScalar(key) || key.value === null) this.fail(key, `keys of ${what} must be strings`);
      return [String(key.value), key, pair.value as Node | null];
    });
  }
}
