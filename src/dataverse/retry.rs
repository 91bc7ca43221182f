//! When to try a Web API call again: honour `Retry-After`, back off on 5xx and network
//! failures, and give up within a bounded time so the user is never left waiting.

use super::error::{ApiError, ApiErrorKind};
use super::http::ApiResponse;
use crate::prelude::*;

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

/// A `$batch` sent until each of its parts is answered: a batch stopped at a failed part
/// (Dataverse without `odata.continue-on-error`, and 8.2 and 9.0 always) has answered the
/// parts up to it, so the parts after it are sent again; a batch that failed whole is tried
/// again within the policy. Only what to do next: the sending is the caller's.
#[derive(Debug)]
pub struct BatchRounds {
    parts: usize,
    answered: Vec<ApiResponse>,
    attempts: u32,
    waited: u64,
    policy: RetryPolicy,
}

/// What a [`BatchRounds`] asks for next.
#[derive(Debug, PartialEq)]
pub enum NextRound {
    /// Send the parts from [`BatchRounds::unanswered`] on.
    Send,
    /// Wait this many milliseconds, then send them.
    Wait(u64),
    /// Every part answered (in order), or why not.
    Done(Result<Vec<ApiResponse>, ApiError>),
}

impl BatchRounds {
    /// Rounds for a batch of `parts` parts.
    pub fn new(parts: usize, policy: RetryPolicy) -> BatchRounds {
        BatchRounds {
            parts,
            answered: Vec::with_capacity(parts),
            attempts: 0,
            waited: 0,
            policy,
        }
    }

    /// The first part not answered yet: the next round sends it and those after it.
    pub fn unanswered(&self) -> usize {
        self.answered.len()
    }

    /// The answer of the last round sent.
    pub fn answered(&mut self, answer: Result<Vec<ApiResponse>, ApiError>) -> NextRound {
        match answer {
            Ok(responses) if responses.is_empty() => {
                NextRound::Done(Err(ApiError::unexpected(200, "an empty batch answer")))
            }
            Ok(responses) => {
                self.answered.extend(responses);
                if self.answered.len() >= self.parts {
                    NextRound::Done(Ok(core::mem::take(&mut self.answered)))
                } else {
                    NextRound::Send
                }
            }
            Err(error) => {
                self.attempts += 1;
                match self
                    .policy
                    .delay_before_retry(&error, self.attempts, self.waited)
                {
                    Some(delay) => {
                        self.waited += delay;
                        NextRound::Wait(delay)
                    }
                    None => NextRound::Done(Err(error)),
                }
            }
        }
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

    fn answer(status: u16) -> ApiResponse {
        ApiResponse {
            status,
            headers: vec![],
            body: String::new(),
        }
    }

    #[test]
    fn a_batch_stopped_at_a_failed_part_sends_the_parts_after_it_again() {
        let mut rounds = BatchRounds::new(4, RetryPolicy::default());
        assert_eq!(rounds.unanswered(), 0);
        assert_eq!(
            rounds.answered(Ok(vec![answer(200), answer(403)])),
            NextRound::Send
        );
        assert_eq!(
            rounds.unanswered(),
            2,
            "the refused part is answered, not sent again"
        );
        assert_eq!(rounds.answered(Ok(vec![answer(200)])), NextRound::Send);
        assert_eq!(
            rounds.answered(Ok(vec![answer(204)])),
            NextRound::Done(Ok(vec![answer(200), answer(403), answer(200), answer(204)]))
        );
    }

    #[test]
    fn a_failed_batch_is_tried_again_within_the_policy_then_given_up() {
        let policy = RetryPolicy {
            max_attempts: 3,
            budget_ms: 6_000,
            ..Default::default()
        };
        let mut rounds = BatchRounds::new(2, policy);
        assert_eq!(rounds.answered(Ok(vec![answer(200)])), NextRound::Send);
        assert_eq!(
            rounds.answered(Err(error(ApiErrorKind::Network))),
            NextRound::Wait(500)
        );
        assert_eq!(
            rounds.answered(Err(error(ApiErrorKind::Server))),
            NextRound::Wait(1000)
        );
        assert_eq!(rounds.unanswered(), 1, "what was answered stays answered");
        assert_eq!(
            rounds.answered(Err(error(ApiErrorKind::Server))),
            NextRound::Done(Err(error(ApiErrorKind::Server)))
        );
    }

    #[test]
    fn a_refused_an_empty_or_an_unbuilt_batch_ends_the_rounds() {
        let mut rounds = BatchRounds::new(2, RetryPolicy::default());
        assert_eq!(
            rounds.answered(Err(error(ApiErrorKind::Forbidden))),
            NextRound::Done(Err(error(ApiErrorKind::Forbidden)))
        );
        let mut rounds = BatchRounds::new(2, RetryPolicy::default());
        assert!(matches!(
            rounds.answered(Ok(vec![])),
            NextRound::Done(Err(ApiError { status: 200, .. }))
        ));
        let unbuilt = ApiError::unexpected(0, "cannot build the batch: too many requests");
        let mut rounds = BatchRounds::new(2, RetryPolicy::default());
        assert_eq!(
            rounds.answered(Err(unbuilt.clone())),
            NextRound::Done(Err(unbuilt)),
            "a batch that cannot be built is not tried again"
        );
    }
}
