import type { MemberSpec, PackageModel } from '../types.js';

const CHAT = 'vscode.LanguageModelChat';
const chat: MemberSpec = { annotation: CHAT };

/**
 * The VS Code Language Model API (module `vscode`, provided by the editor at run time; types from
 * `@types/vscode`). An extension asks the editor for chat models (`vscode.lm.selectChatModels(selector)`,
 * or the model a chat participant's request carries: `request.model`) and sends them requests
 * (`model.sendRequest(messages, options, token)`): the editor forwards the request to the model's
 * provider (Copilot, or any extension that registered one). Nothing in the extension's process traces
 * it: the editor's own telemetry is not the extension's, so only a scope around the call does.
 */
export const vscodeLm: PackageModel = {
  id: 'vscode-lm',
  name: 'VS Code Language Model API',
  role: 'sdk',
  package: '@types/vscode',
  docs: 'https://code.visualstudio.com/api/extension-guides/ai/language-model',
  modules: {
    vscode: {
      lm: { is: 'vscode.lm' },
      LanguageModelChat: chat,
      'chat.createChatParticipant': { callbackParams: [{ arg: 1, param: 0, type: 'vscode.ChatRequest' }] },
      ChatRequest: { annotation: 'vscode.ChatRequest' },
    },
  },
  types: {
    // The `lm` namespace: the models, and the tools and providers extensions register with the editor.
    'vscode.lm': {
      sdk: 'vscode-lm',
      members: { selectChatModels: { returns: 'vscode.LanguageModelChats' } },
      notRequests: {
        'the editor’s model and tool registry: registering and listing, no model request': [
          'onDidChangeChatModels',
          'registerTool',
          'registerLanguageModelChatProvider',
          'registerMcpServerDefinitionProvider',
        ],
        'runs a tool an extension registered (the tool’s own code), not a model': ['invokeTool'],
      },
    },
    // What `selectChatModels` resolves to: an array of chat models (`models[0]`).
    'vscode.LanguageModelChats': { sdk: 'vscode-lm', members: { $each: { is: CHAT } } },
    [CHAT]: {
      sdk: 'vscode-lm',
      members: { sendRequest: { site: { kind: 'llm-call', operation: 'chat' } } },
      notRequests: { 'token counting, done by the model’s provider without a model request the app could trace': ['countTokens'] },
    },
    'vscode.ChatRequest': { sdk: 'vscode-lm', members: { model: { is: CHAT } } },
  },
};
