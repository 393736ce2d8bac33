export { declare, type DeclareRequest, type DeclareDeps } from "./declare";
export { mapDeclarationAnswer, type AnswerContext } from "./answer";
export { pollDeclaration, type PollOptions, type PollResult } from "./poll";
