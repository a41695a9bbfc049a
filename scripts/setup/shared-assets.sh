#!/usr/bin/env bash
# Makes the real tokenizers, model configs and the SQuAD dev set available to tests and tools.
# In this project's CI and development machines they sit in ../shared beside the checkout. A user's
# clone has no ../shared: the files are then fetched from their public homes into .data/shared and
# each one is checked against its pinned sha256. Nothing here is ever committed.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
target="${RAG_SHARED_DIR:-}"
if [ -z "$target" ]; then
  if [ -d "$root/../shared/models" ]; then target="$(cd "$root/../shared" && pwd)"; else target="$root/.data/shared"; fi
fi

# path  sha256  source URL. GitHub sources are pinned to the commit the files were taken from;
# the Hugging Face ones name a branch, so the sha256 is what pins them: a changed upstream file
# fails loudly instead of slipping in.
manifest=$(cat <<'LIST'
models/all-MiniLM-L6-v2/config.json 7135149f7cffa1a573466c6e4d8423ed73b62fd2332c575bf738a0d033f70df7 https://raw.githubusercontent.com/Xyntopia/all-MiniLM-L6-v2/48a5a372/config.json
models/all-MiniLM-L6-v2/special_tokens_map.json b6d346be366a7d1d48332dbc9fdf3bf8960b5d879522b7799ddba59e76237ee3 https://raw.githubusercontent.com/Xyntopia/all-MiniLM-L6-v2/48a5a372/special_tokens_map.json
models/all-MiniLM-L6-v2/tokenizer.json da0e79933b9ed51798a3ae27893d3c5fa4a201126cef75586296df9b4d2c62a0 https://raw.githubusercontent.com/Xyntopia/all-MiniLM-L6-v2/48a5a372/tokenizer.json
models/all-MiniLM-L6-v2/tokenizer_config.json 9261e7d79b44c8195c1cada2b453e55b00aeb81e907a6664974b4d7776172ab3 https://raw.githubusercontent.com/Xyntopia/all-MiniLM-L6-v2/48a5a372/tokenizer_config.json
models/all-MiniLM-L6-v2/vocab.txt 07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3 https://raw.githubusercontent.com/Xyntopia/all-MiniLM-L6-v2/48a5a372/vocab.txt
models/ms-marco-MiniLM-L-12-v2/config.json 69a745055b0307584d2903ea5cf4e1899254e511834f358be80d049918b144d8 https://huggingface.co/cross-encoder/ms-marco-MiniLM-L-12-v2/resolve/main/config.json
models/ms-marco-MiniLM-L-12-v2/tokenizer.json d241a60d5e8f04cc1b2b3e9ef7a4921b27bf526d9f6050ab90f9267a1f9e5c66 https://huggingface.co/cross-encoder/ms-marco-MiniLM-L-12-v2/resolve/main/tokenizer.json
models/ms-marco-MiniLM-L-12-v2/tokenizer_config.json 7b082b48a08a0b5c5939d99472e33addce3d96202155e33f7928cecd171186a0 https://huggingface.co/cross-encoder/ms-marco-MiniLM-L-12-v2/resolve/main/tokenizer_config.json
models/ms-marco-MiniLM-L-12-v2/vocab.txt 07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3 https://huggingface.co/cross-encoder/ms-marco-MiniLM-L-12-v2/resolve/main/vocab.txt
models/qwen2.5-tokenizer/added_tokens.json 58b54bbe36fc752f79a24a271ef66a0a0830054b4dfad94bde757d851968060b https://huggingface.co/Qwen/Qwen2.5-Coder-3B-Instruct/resolve/main/added_tokens.json
models/qwen2.5-tokenizer/config.json edf044f4d7dbb741fc64a1cef796dd88ef25d5a01869a7857168d6aac085d26e https://huggingface.co/Qwen/Qwen2.5-Coder-3B-Instruct/resolve/main/config.json
models/qwen2.5-tokenizer/generation_config.json 519a8db66fcfd0d18731eb75169ff8393a6f9c479fd50142fb5ee2580bb9ae64 https://huggingface.co/Qwen/Qwen2.5-Coder-3B-Instruct/resolve/main/generation_config.json
models/qwen2.5-tokenizer/merges.txt 8831e4f1a044471340f7c0a83d7bd71306a5b867e95fd870f74d0c5308a904d5 https://huggingface.co/Qwen/Qwen2.5-Coder-3B-Instruct/resolve/main/merges.txt
models/qwen2.5-tokenizer/special_tokens_map.json 76862e765266b85aa9459767e33cbaf13970f327a0e88d1c65846c2ddd3a1ecd https://huggingface.co/Qwen/Qwen2.5-Coder-3B-Instruct/resolve/main/special_tokens_map.json
models/qwen2.5-tokenizer/tokenizer_config.json 7e88129d9769a0b14b1587a7d5e829fe93ac0e1511636471fdfc0811951418e6 https://huggingface.co/Qwen/Qwen2.5-Coder-3B-Instruct/resolve/main/tokenizer_config.json
models/qwen2.5-tokenizer/vocab.json ca10d7e9fb3ed18575dd1e277a2579c16d108e32f27439684afa0e10b1440910 https://huggingface.co/Qwen/Qwen2.5-Coder-3B-Instruct/resolve/main/vocab.json
data/squad-v2/dev-v2.0.json e67e5969b6dc6c1642154740806b79263b77fc048c7c11ee60d534eb48ef81e8 https://raw.githubusercontent.com/chrischute/squad/85623ade/data/dev-v2.0.json
LIST
)

fetched=0
while read -r path sum url; do
  file="$target/$path"
  if [ -f "$file" ]; then continue; fi
  if [ "$target" != "$root/.data/shared" ]; then
    echo "shared-assets: $file is missing from $target" >&2; exit 1
  fi
  mkdir -p "$(dirname "$file")"
  echo "shared-assets: fetching $path"
  curl -fsSL --retry 3 -o "$file.part" "$url" || { echo "shared-assets: could not download $url (offline? set RAG_SHARED_DIR to a copy)" >&2; rm -f "$file.part"; exit 1; }
  if [ "$sum" != "-" ] && [ "$(sha256sum "$file.part" | cut -d' ' -f1)" != "$sum" ]; then
    echo "shared-assets: checksum mismatch for $path from $url" >&2; rm -f "$file.part"; exit 1
  fi
  mv "$file.part" "$file"; fetched=$((fetched + 1))
done <<< "$manifest"
[ $fetched -eq 0 ] || echo "shared-assets: fetched $fetched files into $target"
