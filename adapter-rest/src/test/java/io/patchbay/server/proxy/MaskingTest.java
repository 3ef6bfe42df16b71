package io.patchbay.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.patchbay.core.proxy.SecretMasking;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Masking on the listener's buffers; the URL rules and the masking search themselves are the core's
 * ({@code io.patchbay.core.proxy.ProxyRulesTest}).
 */
class MaskingTest {
    @Test
    void everyOccurrenceOfASecretIsMasked() {
        ByteBuf body = Unpooled.copiedBuffer("{\"api_token\":\"abcdefgh12\",\"again\":\"xabcdefgh12abcdefgh12\"}",
                StandardCharsets.UTF_8);
        ByteBuf masked = Masking.mask(body, values(SecretMasking.latin1View("abcdefgh12")));
        assertThat(masked.toString(StandardCharsets.UTF_8))
                .isEqualTo("{\"api_token\":\"[REDACTED]\",\"again\":\"x[REDACTED][REDACTED]\"}");
        assertThat(Masking.mask(body, new SecretMasking.Secrets(List.of(), List.of()))).isSameAs(body);
    }

    private static SecretMasking.Secrets values(String... values) {
        return new SecretMasking.Secrets(List.of(values), List.of());
    }

    @Test
    void anAnswerWithoutSecretsIsPassedOnAsItIsAndOneWithSecretsIsCopiedMasked() {
        SecretMasking.Secrets secrets = values(SecretMasking.latin1View("s3cr3t-välue"));
        ByteBuf clean = Unpooled.copiedBuffer("{\"name\":\"välue\"}", StandardCharsets.UTF_8);
        ByteBuf passed = Masking.mask(clean, secrets);
        assertThat(passed).isSameAs(clean);
        assertThat(clean.refCnt()).isEqualTo(2);

        ByteBuf leaky = Unpooled.copiedBuffer("{\"t\":\"s3cr3t-välue\",\"ü\":1}", StandardCharsets.UTF_8);
        ByteBuf masked = Masking.mask(leaky, secrets);
        assertThat(masked.toString(StandardCharsets.UTF_8)).isEqualTo("{\"t\":\"[REDACTED]\",\"ü\":1}");
        assertThat(leaky.refCnt()).isEqualTo(1);
    }
}
