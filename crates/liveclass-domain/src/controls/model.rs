//! Per-participation controls and the pure rules that change them.

use time::OffsetDateTime;

use crate::class::{LiveClass, Participation};
use crate::ids::UserId;
use crate::validation::{Field, ValidationError};

/// What a participation may do and is doing in the room. A rejoin is a new
/// participation and starts from [`ParticipantControls::default`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParticipantControls {
    /// Whether the participant may use their microphone (default `true`).
    pub mic_allowed: bool,
    /// Whether the participant may use their camera (default `true`).
    pub camera_allowed: bool,
    /// When the participant raised their hand; `None` while it is down.
    pub hand_raised_at: Option<OffsetDateTime>,
    /// Whether the provider reports the participant sharing their screen.
    pub screen_sharing: bool,
}

impl Default for ParticipantControls {
    fn default() -> Self {
        Self {
            mic_allowed: true,
            camera_allowed: true,
            hand_raised_at: None,
            screen_sharing: false,
        }
    }
}

impl ParticipantControls {
    /// Whether the hand is up.
    pub const fn hand_raised(&self) -> bool {
        self.hand_raised_at.is_some()
    }
}

/// A participation with its controls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantState {
    /// The participation (active, for every write).
    pub participation: Participation,
    /// Its controls.
    pub controls: ParticipantControls,
}

/// A moderator's change to a participant (`PATCH …/participants/{userId}`):
/// each field given is set; `lower_hand` lowers a raised hand (a moderator
/// never raises one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ControlsPatch {
    /// Allow or forbid the microphone.
    pub mic_allowed: Option<bool>,
    /// Allow or forbid the camera.
    pub camera_allowed: Option<bool>,
    /// Lower the hand.
    pub lower_hand: bool,
}

impl ControlsPatch {
    /// The patch of a request body: `hand_raised` may only be `false`, and
    /// at least one field must be given.
    ///
    /// # Errors
    /// `handRaised: true` (only participants raise their own hand), or an
    /// empty patch.
    pub fn new(
        mic_allowed: Option<bool>,
        camera_allowed: Option<bool>,
        hand_raised: Option<bool>,
    ) -> Result<Self, ValidationError> {
        if hand_raised == Some(true) {
            return Err(ValidationError::new(
                Field::HandRaised,
                "may only be `false`: participants raise their own hand (POST …/hand)",
            ));
        }
        if mic_allowed.is_none() && camera_allowed.is_none() && hand_raised.is_none() {
            return Err(ValidationError::new(
                Field::MicAllowed,
                "give at least one of micAllowed, cameraAllowed, handRaised",
            ));
        }
        Ok(Self {
            mic_allowed,
            camera_allowed,
            lower_hand: hand_raised == Some(false),
        })
    }
}

/// A change to one participation's controls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ControlsChange {
    /// A moderator's patch.
    Patch(ControlsPatch),
    /// The participant raises their hand.
    RaiseHand,
    /// The participant lowers their hand.
    LowerHand,
    /// The provider reports the participant started (`true`) or stopped
    /// sharing their screen.
    ScreenSharing(bool),
}

/// What a change did, for its events: `participant.updated` when the
/// microphone or camera permission or the screen sharing changed,
/// `hand.raised` / `hand.lowered`
/// when the hand moved. Nothing changed: no event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ControlsEffect {
    /// `micAllowed` or `cameraAllowed` changed.
    pub permissions_changed: bool,
    /// `screenSharing` changed.
    pub sharing_changed: bool,
    /// The hand went up.
    pub hand_raised: bool,
    /// The hand went down.
    pub hand_lowered: bool,
}

impl ControlsEffect {
    /// Whether anything changed.
    pub const fn changed(self) -> bool {
        self.permissions_changed || self.sharing_changed || self.hand_raised || self.hand_lowered
    }
}

impl ParticipantControls {
    /// The controls after `change` at `at`, and what changed. Raising a
    /// raised hand keeps its original time (its place in the line), lowering
    /// a lowered one does nothing: both are idempotent and add no event.
    pub fn apply(self, change: ControlsChange, at: OffsetDateTime) -> (Self, ControlsEffect) {
        let mut next = self;
        match change {
            ControlsChange::Patch(p) => {
                if let Some(mic) = p.mic_allowed {
                    next.mic_allowed = mic;
                }
                if let Some(camera) = p.camera_allowed {
                    next.camera_allowed = camera;
                }
                if p.lower_hand {
                    next.hand_raised_at = None;
                }
            }
            ControlsChange::RaiseHand => {
                next.hand_raised_at = Some(self.hand_raised_at.unwrap_or(at));
            }
            ControlsChange::LowerHand => next.hand_raised_at = None,
            ControlsChange::ScreenSharing(sharing) => next.screen_sharing = sharing,
        }
        let effect = ControlsEffect {
            permissions_changed: next.mic_allowed != self.mic_allowed
                || next.camera_allowed != self.camera_allowed,
            sharing_changed: next.screen_sharing != self.screen_sharing,
            hand_raised: !self.hand_raised() && next.hand_raised(),
            hand_lowered: self.hand_raised() && !next.hand_raised(),
        };
        (next, effect)
    }
}

/// "Mute all": the patch applied to each participant it reaches, the
/// microphone and, when asked, the camera.
pub const fn mute_all_patch(camera_too: bool) -> ControlsPatch {
    ControlsPatch {
        mic_allowed: Some(false),
        camera_allowed: if camera_too { Some(false) } else { None },
        lower_hand: false,
    }
}

/// Whether "mute all" reaches `user` in `class`: every participant but the
/// class's host and co-hosts. (The tenant's managers moderate by their
/// token's roles, which the store does not know for other users: one who
/// joined a class is muted like anyone else, and may unmute themself.)
pub fn muted_by_mute_all(class: &LiveClass, user: &UserId) -> bool {
    !class.is_creator(user) && !class.is_co_host(user)
}

/// The raised hands among `states`, in order of raising (then of joining).
pub fn raised_hands(states: Vec<ParticipantState>) -> Vec<ParticipantState> {
    let mut hands: Vec<ParticipantState> = states
        .into_iter()
        .filter(|s| s.controls.hand_raised())
        .collect();
    hands.sort_by_key(|s| (s.controls.hand_raised_at, s.participation.joined_at));
    hands
}
