/**
 * The parts of Node-RED's editor API that the dialogs use (jQuery's types come from @types/jquery), and what the
 * runtime sends them (src/core/editorContractTypes.d.ts, shared with the runtime's type check).
 */

type ConfigEditorContract = import("../core/editorContractTypes").ConfigEditorContract;
type QueryEditorContract = import("../core/editorContractTypes").QueryEditorContract;
type DeclareEditorContract = import("../core/editorContractTypes").DeclareEditorContract;
type ExportEditorContract = import("../core/editorContractTypes").ExportEditorContract;
type EnterpriseNumberRule = import("../core/editorContractTypes").EnterpriseNumberRule;
type EditorCertificateSummary = import("../core/editorContractTypes").EditorCertificateSummary;
type CertificateAnswer = import("../core/editorContractTypes").CertificateAnswer;
type TestConnectionAnswer = import("../core/editorContractTypes").TestConnectionAnswer;
type CertificateFileAnswer = import("../core/editorContractTypes").CertificateFileAnswer;

/** A validator returns true, or the message Node-RED shows (3.1+, for a validator that takes two parameters). */
type RedValidator<TNode> = (this: TNode, value: unknown, opt?: unknown) => boolean | string;

interface RedPropertyDefinition<TNode> {
  value: unknown;
  required?: boolean;
  /** The type of the config node this property points to. */
  type?: string;
  validate?: RedValidator<TNode>;
}

interface RedNodeDefinition<TNode> {
  category: string;
  color?: string;
  defaults: Record<string, RedPropertyDefinition<TNode>>;
  credentials?: Record<string, { type: "text" | "password" }>;
  inputs?: number;
  outputs?: number;
  icon?: string;
  paletteLabel?: (this: TNode) => string;
  label?: (this: TNode) => string;
  labelStyle?: (this: TNode) => string;
  inputLabels?: (this: TNode, index: number) => string;
  outputLabels?: (this: TNode, index: number) => string;
  oneditprepare?: (this: TNode) => void;
  oneditsave?: (this: TNode) => void;
  oneditcancel?: (this: TNode) => void;
}

/**
 * What a node's .html gives when it registers the node: the properties that tools read from the .html alone
 * (node-red-dev and the Flow Library's scorecard find a node's type, category, colour, icon and ports there).
 */
interface RedNodeLook {
  category: string;
  color?: string;
  icon?: string;
  inputs?: number;
  outputs?: number;
}

/** The rest of a node's definition: what its script (src/editor/<type>.ts) gives. */
type RedNodeBehaviour<TNode> = Omit<RedNodeDefinition<TNode>, keyof RedNodeLook>;

/** What each script offers its node's .html. */
interface FlaNodeEditor {
  registerType(type: string, look: RedNodeLook): void;
}

interface Window {
  flaConfigEditor?: FlaNodeEditor;
  flaDeclareEditor?: FlaNodeEditor;
  flaQueryEditor?: FlaNodeEditor;
  flaExportEditor?: FlaNodeEditor;
}

/** The code editor of RED.editor.createEditor (ace or monaco). */
interface RedCodeEditor {
  getValue(): string;
  resize(): void;
  destroy(): void;
  getSession(): { on(event: "change", handler: () => void): void };
}

interface RedEditorApi {
  /** The catalogue text of a key, e.g. "node-red-contrib-careerpro-fla/fla-config:fla-config.label.name". */
  _(key: string, options?: Record<string, unknown>): string;
  /** The editor's settings, with the exportable settings of the node types. */
  settings: Record<string, unknown>;
  nodes: { registerType<TNode>(type: string, definition: RedNodeDefinition<TNode>): void };
  validators: { typedInput(typeField: string): RedValidator<unknown> };
  editor: { createEditor(options: { id: string; mode: string; value: string }): RedCodeEditor };
  tray: { resize(): void };
}

declare const RED: RedEditorApi;

interface TypedInputOptions {
  default: string;
  types: string[];
  typeField: JQuery;
}

interface JQuery<TElement = HTMLElement> {
  /** Node-RED's typed input widget. */
  typedInput(options: TypedInputOptions): JQuery<TElement>;
}
