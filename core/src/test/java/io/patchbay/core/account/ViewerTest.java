package io.patchbay.core.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.patchbay.core.Ids;
import io.patchbay.core.error.InvalidInputException;
import io.patchbay.spi.FieldError;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A viewer's ids are checked where it is made, with the field errors linking gives: a blank one would otherwise
 * list an empty page or find nothing, silently, while linking with it is refused.
 */
class ViewerTest {

    @Test
    void aBlankTenantIsRefusedNamingTheField() {
        assertThatThrownBy(() -> Viewer.tenantWide(""))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field, FieldError::code).containsExactly(tuple("tenant_id", "blank")));
    }

    @Test
    void blankOrPaddedOwnerAndTeamIdsAreRefusedTogether() {
        assertThatThrownBy(() -> Viewer.endUser("acme", " ", null))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field, FieldError::code).containsExactly(tuple("owner_id", "blank")));
        assertThatThrownBy(() -> new Viewer(" acme", Optional.of("user\n42"), Optional.of("t".repeat(Ids.MAX_LENGTH
                + 1))))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field, FieldError::code).containsExactly(
                                tuple("tenant_id", "surrounding_spaces"), tuple("owner_id", "control_characters"),
                                tuple("team_id", "too_long")));
    }

    @Test
    void idsAsLinkingAcceptsThemMakeAViewer() {
        Viewer viewer = Viewer.endUser("acme", "user-42", "team-1").actingAs("key_1");

        assertThat(viewer.ownerId()).contains("user-42");
        assertThat(viewer.teamId()).contains("team-1");
    }
}
