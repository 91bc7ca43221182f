//! When to try a Web API call again: honour `Retry-After`, back off on 5xx and network
//! failures, and give up within a bounded time so the user is never left waiting.

use super::error::{ApiError, ApiErrorKind};

/// A bounded retry policy (deterministic: one form makes few calls, so no jitter is needed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// The longest total wait across retries, in milliseconds.
    pub budget_ms: u64,
    /// The first back-off delay; doubled on each retry.
    pub base_delay_ms: u64,
    /// The longest single back-off delay.
    pub max_delay_ms: u64,
}

impl Default for RetryPolicy {
    /// 4 attempts within 20 seconds: 0.5 s, 1 s, 2 s back-off, or what `Retry-After` asks.
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 4,
            budget_ms: 20_000,
            base_delay_ms: 500,
            max_delay_ms: 8_000,
        }
    }
}

impl RetryPolicy {
    /// How long to wait before the next attempt, or `None` to give up.
    ///
    /// `attempts` is how many attempts were made so far (≥ 1) and `waited_ms` the total
    /// already spent waiting. A `Retry-After` longer than the remaining budget gives up at
    /// once instead of sleeping past it.
    pub fn delay_before_retry(
        &self,
        error: &ApiError,
        attempts: u32,
        waited_ms: u64,
    ) -> Option<u64> {
        if !error.is_transient() || attempts >= self.max_attempts {
            return None;
        }
        let delay = match error.kind {
            ApiErrorKind::Throttled {
                retry_after_secs: Some(secs),
            } => u64::from(secs) * 1000,
            _ => {
                let doublings = attempts.saturating_sub(1).min(16);
                self.base_delay_ms
                    .saturating_mul(1 << doublings)
                    .min(self.max_delay_ms)
            }
        };
        (waited_ms.saturating_add(delay) <= self.budget_ms).then_some(delay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(kind: ApiErrorKind) -> ApiError {
        ApiError {
            kind,
            status: 0,
            detail: String::new(),
        }
    }

    #[test]
    fn waits_what_retry_after_asks() {
        let policy = RetryPolicy::default();
        let throttled = error(ApiErrorKind::Throttled {
            retry_after_secs: Some(3),
        });
        assert_eq!(policy.delay_before_retry(&throttled, 1, 0), Some(3000));
    }

    #[test]
    fn backs_off_exponentially_on_server_and_network_errors() {
        let policy = RetryPolicy::default();
        let delays: Vec<_> = (1..=3)
            .map(|n| policy.delay_before_retry(&error(ApiErrorKind::Server), n, 0))
            .collect();
        assert_eq!(delays, vec![Some(500), Some(1000), Some(2000)]);
        assert_eq!(
            policy.delay_before_retry(&error(ApiErrorKind::Network), 4, 0),
            None
        );
    }

    #[test]
    fn never_retries_what_cannot_change() {
        let policy = RetryPolicy::default();
        for kind in [
            ApiErrorKind::BadRequest,
            ApiErrorKind::Unauthorized,
            ApiErrorKind::Forbidden,
            ApiErrorKind::NotFound,
            ApiErrorKind::Conflict,
        ] {
            assert_eq!(
                policy.delay_before_retry(&error(kind), 1, 0),
                None,
                "{kind:?}"
            );
        }
    }

    #[test]
    fn gives_up_rather_than_wait_past_the_budget() {
        let policy = RetryPolicy::default();
        let long = error(ApiErrorKind::Throttled {
            retry_after_secs: Some(300),
        });
        assert_eq!(policy.delay_before_retry(&long, 1, 0), None);
        assert_eq!(
            policy.delay_before_retry(&error(ApiErrorKind::Server), 2, 19_500),
            None
        );
    }

    #[test]
    fn throttling_without_retry_after_backs_off_like_a_server_error() {
        let policy = RetryPolicy::default();
        let throttled = error(ApiErrorKind::Throttled {
            retry_after_secs: None,
        });
        assert_eq!(policy.delay_before_retry(&throttled, 2, 0), Some(1000));
    }
}
