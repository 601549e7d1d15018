#!/usr/bin/env bash
# Build the benchmark corpus into $BENCH_CORPUS (default /tmp/bench-corpus) from npm packages pinned by
# corpus/package-lock.json (the LLM/agent ecosystem: langchain, @langchain/*, ai, openai,
# @anthropic-ai/sdk, @mastra/core, llamaindex, langsmith, prom-client, @opentelemetry/sdk-node,
# typescript), then select files into sets/{all,s2000,s10,typed} (see select-files.mjs).
# Nothing third-party is committed: the corpus is rebuilt from the registry (about 30 s).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CORPUS=${BENCH_CORPUS:-/tmp/bench-corpus}
mkdir -p "$CORPUS" && cp "$HERE/corpus/package.json" "$HERE/corpus/package-lock.json" "$CORPUS/"
# --ignore-scripts: only the files are needed. Some packages declare engines >= 22: a warning on Node 20.
cd "$CORPUS" && npm ci --no-audit --no-fund --ignore-scripts --legacy-peer-deps
node "$HERE/select-files.mjs" "$CORPUS"
