//! The election profiles (选举规程) a new election may name: exactly the
//! ones built into the rules core, so an election can never name a profile
//! the counter cannot load.

use huanjie_core::profile::{Profile, BUILTIN_PROFILE_IDS};
use serde::Serialize;

use crate::i18n::Lang;

/// What the web app shows of a profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProfileInfo {
    pub id: String,
    /// The profile's own Chinese title (data, from the profile file).
    pub name: String,
    pub name_en: String,
}

impl ProfileInfo {
    fn from_profile(p: Profile) -> Self {
        ProfileInfo {
            id: p.id,
            name: p.name,
            name_en: p.name_en,
        }
    }

    /// The title in the reader's language.
    pub fn name_in(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.name,
            Lang::En => &self.name_en,
        }
    }
}

/// The built-in profiles, the default (county-2006) first.
pub fn builtin() -> Vec<ProfileInfo> {
    BUILTIN_PROFILE_IDS
        .iter()
        .filter_map(|id| Profile::builtin(id))
        .map(ProfileInfo::from_profile)
        .collect()
}

/// The profile with this id, if it is built in.
pub fn find(id: &str) -> Option<ProfileInfo> {
    Profile::builtin(id).map(ProfileInfo::from_profile)
}

/// The ids, for "choose one of: …" messages.
pub fn ids() -> &'static [&'static str] {
    BUILTIN_PROFILE_IDS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_four_builtin_profiles_load() {
        assert_eq!(
            ids(),
            ["county-2006", "city-2009", "village-2018", "zhejiang-2020"]
        );
        let all = builtin();
        assert_eq!(all.len(), 4, "every built-in profile parses");
        let county = find("county-2006").unwrap();
        assert!(county.name.contains("居民委员会"));
        assert!(!county.name_en.is_empty());
        assert!(find("mars-2100").is_none());
    }
}
