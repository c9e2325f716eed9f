//! The editorial workflow: states, actions and who may take them. Every transition is checked
//! here, in one function, so no route or job can move a story around it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WorkflowState {
    Draft,
    Submitted,
    InEdit,
    Ready,
    Scheduled,
    Published,
    Unpublished,
    Spiked,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Submit,
    StartEdit,
    ReturnToDraft,
    MarkReady,
    Schedule,
    Unschedule,
    Publish,
    Update,
    Correct,
    Unpublish,
    Spike,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Contributor,
    Reporter,
    Editor,
    Admin,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error("cannot {action:?} a story that is {state:?}")]
    NotAllowedFrom { state: WorkflowState, action: Action },
    #[error("a {role:?} may not {action:?} a story")]
    Forbidden { role: Role, action: Action },
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Contributor, Role::Reporter, Role::Editor, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Contributor => "contributor",
            Role::Reporter => "reporter",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl Action {
    pub const ALL: [Action; 11] = [
        Action::Submit,
        Action::StartEdit,
        Action::ReturnToDraft,
        Action::MarkReady,
        Action::Schedule,
        Action::Unschedule,
        Action::Publish,
        Action::Update,
        Action::Correct,
        Action::Unpublish,
        Action::Spike,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::StartEdit => "start_edit",
            Action::ReturnToDraft => "return_to_draft",
            Action::MarkReady => "mark_ready",
            Action::Schedule => "schedule",
            Action::Unschedule => "unschedule",
            Action::Publish => "publish",
            Action::Update => "update",
            Action::Correct => "correct",
            Action::Unpublish => "unpublish",
            Action::Spike => "spike",
        }
    }

    pub fn parse(s: &str) -> Option<Action> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// What a button for this action says.
    pub fn label(self) -> &'static str {
        match self {
            Action::Submit => "Submit to the desk",
            Action::StartEdit => "Start editing",
            Action::ReturnToDraft => "Return to draft",
            Action::MarkReady => "Mark ready",
            Action::Schedule => "Schedule",
            Action::Unschedule => "Unschedule",
            Action::Publish => "Publish now",
            Action::Update => "Publish update",
            Action::Correct => "Correct",
            Action::Unpublish => "Unpublish",
            Action::Spike => "Spike",
        }
    }
}

impl WorkflowState {
    /// The actions `role` may take on a story in this state.
    pub fn actions_for(self, role: Role) -> Vec<Action> {
        Action::ALL.into_iter().filter(|a| self.transition(*a, role).is_ok()).collect()
    }

    pub const ALL: [WorkflowState; 8] = [
        Self::Draft,
        Self::Submitted,
        Self::InEdit,
        Self::Ready,
        Self::Scheduled,
        Self::Published,
        Self::Unpublished,
        Self::Spiked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::InEdit => "in_edit",
            Self::Ready => "ready",
            Self::Scheduled => "scheduled",
            Self::Published => "published",
            Self::Unpublished => "unpublished",
            Self::Spiked => "spiked",
        }
    }

    pub fn parse(s: &str) -> Option<WorkflowState> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Readers may see the story (embargo and schedule times are checked by the caller).
    pub fn is_public(self) -> bool {
        self == Self::Published
    }

    /// Where `action` takes a story in this state, if `role` may take it.
    pub fn transition(self, action: Action, role: Role) -> Result<WorkflowState, WorkflowError> {
        use Action as A;
        use WorkflowState as S;
        let desk = role >= Role::Editor;
        let allowed_role = match action {
            A::Submit => true,
            A::Spike => desk || (role == Role::Reporter && self == S::Draft),
            _ => desk,
        };
        let next = match (self, action) {
            (S::Draft, A::Submit) => S::Submitted,
            (S::Submitted, A::StartEdit) => S::InEdit,
            (S::Submitted | S::InEdit | S::Ready, A::ReturnToDraft) => S::Draft,
            (S::InEdit, A::MarkReady) => S::Ready,
            (S::InEdit | S::Ready, A::Schedule) => S::Scheduled,
            (S::Scheduled, A::Unschedule) => S::Ready,
            (S::Draft | S::Submitted | S::InEdit | S::Ready | S::Scheduled | S::Unpublished, A::Publish) => {
                S::Published
            }
            (S::Published, A::Update | A::Correct) => S::Published,
            (S::Published, A::Unpublish) => S::Unpublished,
            (S::Draft | S::Submitted | S::InEdit | S::Ready | S::Scheduled, A::Spike) => S::Spiked,
            (state, action) => return Err(WorkflowError::NotAllowedFrom { state, action }),
        };
        if !allowed_role {
            return Err(WorkflowError::Forbidden { role, action });
        }
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action as A;
    use WorkflowState as S;

    const ACTIONS: [Action; 11] = Action::ALL;
    const ROLES: [Role; 4] = Role::ALL;

    /// The whole table: (state, action) -> next state for a desk editor, and which roles may act.
    fn expected(state: S, action: A, role: Role) -> Option<S> {
        let desk = matches!(role, Role::Editor | Role::Admin);
        let next = match (state, action) {
            (S::Draft, A::Submit) => return Some(S::Submitted),
            (S::Draft, A::Spike) if role == Role::Reporter => return Some(S::Spiked),
            (S::Submitted, A::StartEdit) => S::InEdit,
            (S::Submitted | S::InEdit | S::Ready, A::ReturnToDraft) => S::Draft,
            (S::InEdit, A::MarkReady) => S::Ready,
            (S::InEdit | S::Ready, A::Schedule) => S::Scheduled,
            (S::Scheduled, A::Unschedule) => S::Ready,
            (S::Published, A::Update | A::Correct) => S::Published,
            (S::Published, A::Unpublish) => S::Unpublished,
            (S::Published | S::Spiked, A::Publish) => return None,
            (_, A::Publish) => S::Published,
            (S::Published | S::Unpublished | S::Spiked, A::Spike) => return None,
            (_, A::Spike) => S::Spiked,
            _ => return None,
        };
        desk.then_some(next)
    }

    #[test]
    fn every_state_action_and_role() {
        let mut checked = 0;
        for state in S::ALL {
            for action in ACTIONS {
                for role in ROLES {
                    let got = state.transition(action, role).ok();
                    assert_eq!(got, expected(state, action, role), "{state:?} {action:?} {role:?}");
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 8 * 11 * 4);
    }

    #[test]
    fn reporters_cannot_publish() {
        assert_eq!(
            S::Ready.transition(A::Publish, Role::Reporter),
            Err(WorkflowError::Forbidden { role: Role::Reporter, action: A::Publish })
        );
    }

    #[test]
    fn names_round_trip() {
        for s in S::ALL {
            assert_eq!(S::parse(s.as_str()), Some(s));
        }
        for a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Some(a));
        }
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
    }
}
