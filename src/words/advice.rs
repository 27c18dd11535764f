//! What to do about each error code of the service and its gateway: the seed's advice, and the common codes every Alibaba Cloud API answers with. `words::remedy` adds it after an error's message.
//!
//! The advice names the action's inputs in plain words, so that a red run says what to change;
//! it is text only, and knows no input type.

/// What to do about an API error code: the seed's advice, and the gateway's common codes.
pub fn advice(code: &str) -> Option<&'static str> {
    Some(match code {
        "InvalidParameter.PublishEnv" => "Set `publish-env` to `prod` or `staging`.",
        "InvalidParameter.Percentage" => "Set `percentage` to a whole number from 1 to 100.",
        "InvalidParameter.appid" => "The application ID is malformed. Find it with ListEdgeContainerApps or in the ESA console.",
        "InvalidParameter.VersionId" => "The version ID must start with `ver-`. Find it with ListEdgeContainerAppVersions or in the ESA console.",
        "InvalidParameter" => "A parameter failed the service's checks; check every input against the README's table.",
        "InvalidApp.NotFound" => "No application has this ID in this account and site. Check `app-id`, and `region`/`endpoint` (China site cn-hangzhou, international ap-southeast-1).",
        "InternalException" | "InternalError" | "ServiceUnavailable" => "The service failed on its side. Re-run the job; if it persists, contact Alibaba Cloud support with the RequestId.",
        "SignatureDoesNotMatch" => "The signature was refused: `access-key-secret` does not belong to `access-key-id` (check the secret for stray whitespace or a rotated key).",
        "IncompleteSignature" => "The request's signature was incomplete; this is a bug in esa-publish, please report it with the RequestId.",
        "InvalidAccessKeyId.NotFound" | "InvalidAccessKeyId" => "The AccessKey ID does not exist. Check `access-key-id`, or create a new AccessKey in the RAM console.",
        "InvalidAccessKeyId.Inactive" => "The AccessKey is disabled. Enable it or create a new one in the RAM console.",
        "InvalidTimeStamp.Expired" => "The request's time is more than 15 minutes away from the service's: the runner's clock is wrong.",
        "SignatureNonceUsed" => "The service saw this nonce before; re-run the job.",
        "Throttling" | "Throttling.User" | "Throttling.Api" => "Too many calls. Wait a little and re-run, or space out parallel publishes.",
        "Forbidden.RAM" | "NoPermission" | "Forbidden" => "The RAM identity lacks permission for this call. Grant it `esa:PublishEdgeContainerAppVersion`, and `esa:GetEdgeContainerAppStatus` (plus `esa:GetEdgeContainerStagingDeployStatus` and `esa:RollbackEdgeContainerAppVersion` when following or rolling back rollouts, `esa:ListEdgeContainerAppVersions`, `esa:GetEdgeContainerAppVersion` and `esa:CreateEdgeContainerAppVersion` for `version-name`, `image` or `version-spec`, and `esa:DescribeEdgeContainerAppStats` for `metric-gate`).",
        "InvalidSecurityToken.Expired" => "The STS token has expired; obtain fresh credentials.",
        "InvalidSecurityToken.Malformed" | "InvalidSecurityToken.MismatchWithAccessKey" => "The STS token does not match the AccessKey; pass the token that came with this AccessKey.",
        "AuthenticationFail.OIDCToken.AudienceNotMatch" => "STS refused the ID token's audience: add it to the OIDC provider's client IDs in the RAM console (the `audience` input's value, or GitHub's default https://github.com/OWNER), or set `audience` to one of them.",
        "AuthenticationFail.OIDCToken.Expired" => "The ID token expired before STS checked it; re-run the job.",
        "AuthenticationFail.OIDCToken.Invalid" | "AuthenticationFail.OIDCToken.InvalidSignature" | "AuthenticationFail.OIDCToken.HttpsUrlInvalid" => "STS could not validate the ID token: check the OIDC provider's issuer URL (https://token.actions.githubusercontent.com) and its fingerprint in the RAM console.",
        "AuthenticationFail.NoPermission" => "STS would not let this token assume the role: check `oidc-provider-arn`, and the role's trust policy: its Principal must be the OIDC provider and its condition on oidc:sub must match this workflow, e.g. repo:OWNER/REPO:ref:refs/heads/main.",
        "EntityNotExist.Role" => "No RAM role has this ARN: check `role-arn`.",
        code if code.starts_with("AuthenticationFail") => "STS refused the sign-in: check the role's trust policy (Principal = the OIDC provider, condition on oidc:sub) and the provider's client IDs (the audience).",
        _ => return None,
    })
}
