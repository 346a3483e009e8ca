#!/usr/bin/env bash
# `make run`: starts chimed in the foreground on the embedded SQLite store and tells you how to
# talk to it with boto3 and the AWS CLI.
set -euo pipefail
bin="$1"
listen="${CHIMED_LISTEN:-127.0.0.1:8080}"
data_dir="${CHIMED_DATA_DIR:-./var}"
mkdir -p "$data_dir" && chmod 700 "$data_dir"
key_file="$data_dir/root-credentials"

cat <<MSG
chimed: serving http://$listen with data in $data_dir (Ctrl-C stops it).

Credentials: the root access key is in $key_file (created on first start, mode 0600):
  export AWS_ACCESS_KEY_ID=\$(sed -n 's/^aws_access_key_id *= *//p' $key_file)
  export AWS_SECRET_ACCESS_KEY=\$(sed -n 's/^aws_secret_access_key *= *//p' $key_file)

AWS CLI:
  aws chime create-account --name Example --endpoint-url http://$listen --region us-east-1
  aws chime reset-personal-pin --account-id ACCOUNT --user-id USER --endpoint-url http://$listen --region us-east-1

boto3:
  import boto3
  chime = boto3.client("chime", endpoint_url="http://$listen", region_name="us-east-1")
  chime.reset_personal_pin(AccountId=ACCOUNT, UserId=USER)["User"]["PersonalPIN"]

MSG
exec "$bin" --listen "$listen" --data-dir "$data_dir"
