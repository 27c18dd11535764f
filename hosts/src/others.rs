//! The other hosts' rules for a step's environment: Drone (`PLUGIN_` + the setting's name upper-cased, hyphens kept: drone-runner-docker, `engine/compiler/step.go`), Woodpecker (`PLUGIN_` + the name upper-cased, `-` and `.` to `_`: woodpecker, `settings/params.go`) and GitLab CI (each variable as written), each with the variables the host sets for every job.

use crate::github::{REPOSITORY, RUN_ID, SHA};

/// A Drone plugin's variable for a setting.
pub fn drone_variable(key: &str) -> String {
    format!("PLUGIN_{}", key.to_uppercase())
}

/// A Woodpecker plugin's variable for a setting.
pub fn woodpecker_variable(key: &str) -> String {
    format!("PLUGIN_{}", key.replace(['.', '-'], "_").to_uppercase())
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The variables Drone sets for every step, with the workspace.
pub fn drone_job(workspace: &str) -> Vec<(String, String)> {
    let link = format!("https://drone.example.com/{REPOSITORY}/{RUN_ID}");
    owned(&[
        ("CI", "true"),
        ("DRONE", "true"),
        ("DRONE_REPO", REPOSITORY),
        ("DRONE_COMMIT_SHA", SHA),
        ("DRONE_BUILD_NUMBER", RUN_ID),
        ("DRONE_BUILD_LINK", &link),
        ("DRONE_WORKSPACE", workspace),
    ])
}

/// The variables Woodpecker sets for every step, with the workspace.
pub fn woodpecker_job(workspace: &str) -> Vec<(String, String)> {
    let url = format!("https://ci.example.com/repos/1/pipeline/{RUN_ID}");
    owned(&[
        ("CI", "woodpecker"),
        ("CI_SYSTEM_NAME", "woodpecker"),
        ("CI_REPO", REPOSITORY),
        ("CI_COMMIT_SHA", SHA),
        ("CI_PIPELINE_NUMBER", RUN_ID),
        ("CI_PIPELINE_URL", &url),
        ("CI_WORKSPACE", workspace),
    ])
}

/// The variables GitLab CI sets for every job, with the project's folder.
pub fn gitlab_job(workspace: &str) -> Vec<(String, String)> {
    let url = format!("https://gitlab.example.com/{REPOSITORY}/-/pipelines/{RUN_ID}");
    owned(&[
        ("CI", "true"),
        ("GITLAB_CI", "true"),
        ("CI_PROJECT_PATH", REPOSITORY),
        ("CI_COMMIT_SHA", SHA),
        ("CI_PIPELINE_ID", RUN_ID),
        ("CI_PIPELINE_URL", &url),
        ("CI_PROJECT_DIR", workspace),
    ])
}

#[cfg(test)]
mod tests {
    use super::{drone_variable, woodpecker_variable};

    #[test]
    fn each_host_names_a_setting_its_own_way() {
        assert_eq!(drone_variable("app-id"), "PLUGIN_APP-ID");
        assert_eq!(drone_variable("app_id"), "PLUGIN_APP_ID");
        assert_eq!(woodpecker_variable("app-id"), "PLUGIN_APP_ID");
        assert_eq!(woodpecker_variable("a.b"), "PLUGIN_A_B");
    }
}
